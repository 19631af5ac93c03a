"""The ctranslate2 engine on converted model directories built at test time (OPUS-MT with a
shared and with separate vocabularies, a multilingual NLLB-style model), routing mixed with
Argos in one run, confidences checked against CTranslate2's own token scores, bad routes,
and where models run (device = "auto")."""

from __future__ import annotations

import math
import re
import shutil

import polib
import pytest

from tests.helpers import STATEMENT_EN, run, write_project
from tests.helpers import snapshot as all_files
from tests.mt_fixture import built_models
from workflow.catalog.model import MACHINE_MARK, active_entries, entry_state, machine_confidence
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.models import find_route
from workflow.mt.engines import ctranslate2 as ct2
from workflow.mt.engines.argos import package_decoder
from workflow.mt.stage import translate
from workflow.update import update

SENTENCES = ["We express our solidarity with the caravan.", "No one is illegal.",
             "More than 7000 people walk together."]


def snapshot(root):
    return {name: data for name, data in all_files(root).items() if name != ".pamphlet.lock"}


@pytest.fixture
def project_with(tmp_path, monkeypatch, argos_dir):
    """A project whose models/ holds the test model directories, with the given routes."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_dir))

    def make(routes: str):
        root = tmp_path / "project"
        write_project(root, {"caravan": STATEMENT_EN},
                      f"[tool.pamphlet.machine_translation]\n{routes}")
        for name, path in built_models().items():
            if not (root / "models" / name).exists():
                shutil.copytree(path, root / "models" / name)
        monkeypatch.chdir(root)
        project = load_project(root)
        update(project)
        return project

    return make


def entries(project, language):
    path = project.po_path("caravan", language)
    return list(active_entries(polib.pofile(str(path))))


def words(comment: str) -> str:
    return " ".join(comment.split())


def test_routes_mix_engines_in_one_run(project_with):
    project = project_with(
        '"en-es" = { engine = "ctranslate2", model = "models/opus-mt-en-es", '
        'version = "2024-08" }\n'
        '"en-fa" = { engine = "ctranslate2", model = "models/nllb-tiny", '
        'source_token = "eng_Latn", target_token = "pes_Arab", version = "600M" }\n')
    report = translate(project)
    assert report.routes == ["argos en->ar translate-en_ar 1.0",
                             "ctranslate2 en->es opus-mt-en-es 2024-08",
                             "ctranslate2 en->fa nllb-tiny 600M"]
    marks = {"ar": "argos en->ar translate-en_ar 1.0", "es": "ctranslate2 en->es "
             "opus-mt-en-es 2024-08", "fa": "ctranslate2 en->fa nllb-tiny 600M"}
    for language, mark in marks.items():
        filled = entries(project, language)
        assert filled
        for entry in filled:
            assert entry.msgstr and entry_state(entry) == "machine"
            assert re.match(re.escape(f"{MACHINE_MARK} {mark}, confidence ") + r"0\.\d\d\b",
                            words(entry.tcomment)), entry.tcomment
            assert 0 < machine_confidence(entry) < 1
            assert not entry.msgstr.startswith(("pes_Arab", "__"))
    before = snapshot(project.root)
    again = translate(project)
    assert again.machine == 0 and snapshot(project.root) == before


def test_no_socket_is_opened(project_with, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    project = project_with('"en-es" = { engine = "ctranslate2", model = "models/opus-mt-en-es" }\n'
                           '"en-fa" = { engine = "ctranslate2", model = "models/nllb-tiny", '
                           'target_token = "pes_Arab" }\n')
    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert translate(project, languages=["es", "fa"]).machine > 0


def test_separate_vocabularies_and_a_version_from_the_weights(project_with):
    project = project_with('"en-ar" = { engine = "ctranslate2", model = "models/opus-mt-en-ar" }\n')
    model = project.root / "models" / "opus-mt-en-ar"
    assert (model / "source_vocabulary.json").is_file() and not (
        model / "shared_vocabulary.json").exists()
    report = translate(project, languages=["ar"])
    version = ct2.model_version(model)
    assert re.fullmatch(r"sha256:[0-9a-f]{12}", version)
    assert report.routes == [f"ctranslate2 en->ar opus-mt-en-ar {version}"]
    assert all(entry_state(e) == "machine" for e in entries(project, "ar"))


def test_marian_and_multilingual_inputs(project_with):
    project = project_with("")
    where = (project.root / "pyproject.toml", 1)
    marian = ct2.CTranslate2Engine("en", "es", {"model": "models/opus-mt-en-es"},
                                   project.root, where)
    nllb = ct2.CTranslate2Engine("en", "fa", {"model": "models/nllb-tiny",
                                              "source_token": "eng_Latn",
                                              "target_token": "pes_Arab"}, project.root, where)
    sent = []
    for engine in (marian, nllb):
        real = engine.decoder.translator

        class Recorder:
            def translate_batch(self, tokens, real=real, **options):
                sent.append((tokens, options.get("target_prefix")))
                return real.translate_batch(tokens, **options)

        engine.decoder.translator = Recorder()
        assert len(engine.translate(SENTENCES[:2])) == 2
    (marian_tokens, marian_prefix), (nllb_tokens, nllb_prefix) = sent[0], sent[-1]
    # ct2-opus-mt-converter's models append </s> themselves (add_source_eos).
    assert marian_tokens[0][-1] != "</s>" and marian_prefix is None
    # NLLB: `eng_Latn tokens </s>`, decoding forced to start with the target language.
    assert nllb_tokens[0][0] == "eng_Latn" and nllb_tokens[0][-1] == "</s>"
    assert nllb_prefix == [["pes_Arab"]] * len(nllb_tokens)


@pytest.mark.parametrize("cap", [None, 1])
def test_confidence_is_the_geometric_mean_of_the_token_probabilities(argos_dir, monkeypatch,
                                                                     cap):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_dir))
    decoder = package_decoder(find_route("en", "ar").steps[0], max_decoding_length=cap)
    assert decoder.prefix == ["__ar__"]
    outputs = decoder.translate(SENTENCES)
    ended = []
    for sentence, output in zip(SENTENCES, outputs, strict=True):
        tokens = decoder.encode(sentence)
        limit = decoder.cap(tokens) + 1
        hypothesis = decoder.translator.translate_batch(
            [tokens], target_prefix=[decoder.prefix], beam_size=ct2.BEAM_SIZE,
            length_penalty=ct2.LENGTH_PENALTY, max_decoding_length=limit)[0].hypotheses[0]
        # CTranslate2's own log-probability of each token of the chosen hypothesis; score_batch
        # adds </s>, which counts only where decoding chose it (before the length cap).
        scored = decoder.translator.score_batch([tokens], [hypothesis])[0].log_probs
        ended.append(len(hypothesis) < limit)
        generated = scored[1:] if ended[-1] else scored[1:-1]  # the forced prefix: not chosen
        expected = math.exp(sum(generated) / len(generated))
        assert output.confidence == pytest.approx(expected, rel=1e-3)
    assert all(ended) if cap is None else not all(ended)


def test_pivot_confidence_is_the_product_of_the_legs(argos_dir, monkeypatch):
    from workflow.mt.engines.argos import ArgosEngine

    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_dir))
    route = find_route("es", "ar")
    engine = ArgosEngine(route)
    first, second = engine.decoders
    outputs = engine.translate(["Nadie es ilegal."])
    middle = first.translate(["Nadie es ilegal."])[0]
    last = second.translate([middle.text])[0]
    assert outputs[0].text == last.text
    assert outputs[0].confidence == pytest.approx(middle.confidence * last.confidence)


@pytest.mark.parametrize("routes, line, message", [
    ('"en-es" = { engine = "deepl" }\n', 5, "unknown engine 'deepl' for en-es (engines: argos, "
                                            "ctranslate2, libretranslate)"),
    ('\n"en-es" = { engine = "ctranslate2", model = "models/none" }\n', 6,
     "no such model directory: models/none"),
    ('"en-es" = { engine = "ctranslate2", model = "source" }\n', 5,
     "no CTranslate2 model in"),
    ('"en-es" = { engine = "ctranslate2" }\n', 5, "a ctranslate2 route needs `model`"),
    ('"en-fa" = { engine = "ctranslate2", model = "models/nllb-tiny" }\n', 5,
     "is a multilingual model: give the target language token"),
    ('"en-fa" = { engine = "ctranslate2", model = "models/nllb-tiny", target_token = '
     '"fas_Arab" }\n', 5, "target_token 'fas_Arab' is not in the vocabulary"),
    ('"en-es" = { engine = "ctranslate2", model = "models/opus-mt-en-es", beam = 5 }\n', 5,
     "unknown setting(s) for the ctranslate2 engine: beam"),
    ('"en-es" = { engine = "argos", device = "tpu" }\n', 5, "device must be one of auto, cpu"),
    ('"en-de" = { engine = "argos" }\n', 5, "'de' of 'en-de' is not one of this project's"),
    ('"english-es" = { engine = "argos" }\n', 5, "'english-es' is not a language pair"),
    ('"en-es" = "argos"\n', 5, "en-es needs a table with an engine"),
    ('min_confidence = 2\n', 5, "min_confidence must be a number from 0 to 1"),
    ('[tool.pamphlet.machine_translation."en-es"]\nengine = "ctranslate2"\n'
     'model = "models/x"\n', 5, "no such model directory: models/x"),
])
def test_bad_routes_are_errors_naming_their_line(project_with, routes, line, message):
    try:
        project = project_with(routes)
    except PamphletError as error:  # refused by load_project: the table's shape
        assert str(error).endswith(message) or message in str(error)
        assert f"pyproject.toml:{line}: " in str(error)
        return
    before = snapshot(project.root)
    code, _, err = run("translate", "--lang", "es", "--lang", "fa")
    assert code == 2 and err.startswith(f"Error: pyproject.toml:{line}: "), err
    assert message in err and err.count("\n") == 1
    assert snapshot(project.root) == before
    code, _, err = run("models", "list")
    assert code == 2 and message in err


def test_models_list_shows_every_configured_route(project_with):
    project_with('"en-es" = { engine = "ctranslate2", model = "models/opus-mt-en-es", '
                 'version = "2024-08" }\n'
                 '"en-ar" = { engine = "argos" }\n'
                 '"en-fa" = { engine = "libretranslate", url = "http://127.0.0.1:5000", '
                 'api_key_env = "LT_API_KEY" }\n')
    code, out, err = run("models", "list")
    assert code == 0, err
    routes = out.split("Argos Translate models")[0]
    rows = {line.split("│")[1].strip(): line for line in routes.splitlines()
            if line.count("│") >= 4 and "->" in line.split("│")[1]}
    assert "ctranslate2" in rows["en->es"] and "models/opus-mt-en-es 2024-08" in rows["en->es"]
    assert "argos" in rows["en->ar"] and "translate-en_ar 1.0" in rows["en->ar"]
    assert "http://127.0.0.1:5000 (API key from $LT_API_KEY)" in rows["en->fa"]


# --- Where the models run ---------------------------------------------------------------


def test_device_auto_takes_the_gpu_when_ctranslate2_sees_one(monkeypatch):
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types",
                        lambda device: {"float32", "float16", "int8_float16", "int8"})
    gpu = ct2.place("auto")
    assert (gpu.device, gpu.compute_type, gpu.workers) == ("cuda", "int8_float16", 1)
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types",
                        lambda device: {"float32", "float16"})
    assert ct2.place("auto").compute_type == "float16"
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    cpu = ct2.place("auto")
    assert (cpu.device, cpu.workers, cpu.threads) == ("cpu", ct2.usable_cores(), 1)
    assert ct2.place("cpu", workers=3).workers == 3


def test_batches_are_sized_so_every_worker_has_one():
    placement = ct2.Placement("cpu", "auto", workers=2, threads=1, batch_size=16)
    assert placement.batch_for(200) == 15  # 14 batches, 7 a worker (not 13 of 16)
    assert placement.batch_for(64) == 16
    assert placement.batch_for(20) == 10  # two batches of 10, not one of 16 and one of 4
    assert placement.batch_for(1) == 1
    assert ct2.place("cpu", workers=2).batch_for(20) == 5  # 4 batches, not 8 + 8 + 4
    many = ct2.Placement("cpu", "auto", workers=16, threads=1, batch_size=16)
    assert many.batch_for(200) == 13
    assert many.batch_for(1000) == 16
