"""Machine pretranslation: masking, translation memory, engines and the stage that uses them."""
