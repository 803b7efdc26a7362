"""Post-editing in the browser, through FastAPI's TestClient: the review page, saving with the token,
concurrent edits detected, the files regenerated, retranslation after a glossary edit, the proof PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import ROOT, SEED

from bilingual.config import Config
from bilingual.memory import TranslationMemory, project_memory_path
from bilingual.web import create_app

STEM = SEED.stem
ORIGIN = {"Origin": "http://127.0.0.1:8000"}


@pytest.fixture
def out_dir(tmp_path, translated_seed) -> Path:
    out = tmp_path / "output"
    shutil.copytree(translated_seed, out)
    return out


@pytest.fixture
def glossary_dir(tmp_path) -> Path:
    folder = tmp_path / "glossary"
    folder.mkdir()
    for tsv in (ROOT / "glossary").glob("*.tsv"):
        shutil.copy(tsv, folder / tsv.name)
    return folder


@pytest.fixture
def client(out_dir, glossary_dir):
    config = Config(out_dir=out_dir, engine="gloss", glossary_paths=[glossary_dir])
    with TestClient(create_app(config), raise_server_exceptions=False, base_url="http://127.0.0.1:8000") as c:
        c.get("/")  # the session's token cookie
        yield c


def edition(out_dir: Path) -> dict:
    return json.loads((out_dir / STEM / f"{STEM}.json").read_text(encoding="utf-8"))


def body_segment(out_dir: Path, index: int = 2) -> dict:
    return [s for p in edition(out_dir)["articles"][0]["paragraphs"] for s in p["segments"]][index]


def save(client, segment_id: str, en: str, base, status="translated", token=None, headers=ORIGIN):
    token = client.cookies.get("bilingual_csrf") if token is None else token
    return client.post(f"/api/edition/{STEM}/segments/{segment_id}", headers={**headers, "X-CSRF-Token": token},
                       content=json.dumps({"en": en, "base": base, "status": status, "by": "Ana"}))


def wait_ready(client, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/edition/{STEM}/status").json()
        if state["state"] != "regenerating":
            return state
        time.sleep(0.05)
    raise AssertionError("the files were not regenerated in time")


def test_review_page_lists_sentences_terms_and_a_counter(client, out_dir):
    page = client.get(f"/edition/{STEM}/review")
    assert page.status_code == 200
    total = sum(1 for a in edition(out_dir)["articles"] for s in
                [*a["heads"].values(), *(x for p in a["paragraphs"] for x in p["segments"])] if s["zh"])
    assert f"0 of {total} reviewed" in page.text
    assert 'name="csrf-token"' in page.text and "/static/review.js" in page.text
    assert "Secretary of the CPC Hengyang Municipal Committee" in page.text  # a term with its required English
    assert "name to confirm" in page.text
    assert "<script>" not in page.text.split("</head>")[1].split("/static/review.js")[0]  # no inline script


@pytest.mark.slow
def test_saving_keeps_a_persons_english_and_regenerates_the_files(client, out_dir):
    seg = body_segment(out_dir)
    r = save(client, seg["id"], "  Reviewed  English for the pdf.  ", seg["en"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["segment"]["en"] == "Reviewed English for the pdf." and body["segment"]["status"] == "translated"
    assert body["reviewed"] == 1 and body["regeneration"]["state"] in ("regenerating", "ready")
    stored = next(s for p in edition(out_dir)["articles"][0]["paragraphs"] for s in p["segments"] if s["id"] == seg["id"])
    assert stored["en"] == "Reviewed English for the pdf." and stored["origin"]["origin"] == "human"
    assert stored["origin"]["how"] == "web" and stored["origin"]["by"] == "Ana"
    # Approving the same English: status approved, history kept in the project's memory.
    assert save(client, seg["id"], "Reviewed English for the pdf.", "Reviewed English for the pdf.",
                "approved").json()["segment"]["status"] == "approved"
    with TranslationMemory(project_memory_path(out_dir)) as memory:
        entry = memory.human(stored["zh"])
        assert (entry.en, entry.status, entry.who) == ("Reviewed English for the pdf.", "approved", "Ana")
        assert len(memory.history(stored["zh"])) == 2
    assert wait_ready(client)["state"] == "ready"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out_dir / STEM / f"{STEM}.zh-en.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Reviewed English for the pdf." in " ".join(text.split())
    xliff = (out_dir / STEM / f"{STEM}.xlf").read_text(encoding="utf-8")
    assert re.search(r'<target [^>]*state="signed-off"[^>]*>Reviewed English for the pdf.</target>', xliff)
    tmx = (out_dir / STEM / f"{STEM}.tmx").read_text(encoding="utf-8")
    assert "Reviewed English for the pdf." in tmx and 'changeid="Ana"' in tmx
    assert "1 of" in client.get(f"/edition/{STEM}/review").text


def test_a_concurrent_edit_is_detected_not_lost(client, out_dir):
    seg = body_segment(out_dir, 3)
    first = save(client, seg["id"], "From the first tab.", seg["en"])
    assert first.status_code == 200
    second = save(client, seg["id"], "From the second tab.", seg["en"])  # started from the old English
    assert second.status_code == 409 and "changed" in second.json()["error"]
    kept = [s for p in edition(out_dir)["articles"][0]["paragraphs"] for s in p["segments"]][3]
    assert kept["en"] == "From the first tab."
    wait_ready(client)


@pytest.mark.parametrize("token,headers", [("wrong", ORIGIN), (None, {"Origin": "http://evil.example"}),
                                           (None, {})])
def test_saving_needs_the_token_and_this_origin(client, out_dir, token, headers):
    seg = body_segment(out_dir)
    r = save(client, seg["id"], "Hostile English.", seg["en"], token=token, headers=headers)
    assert r.status_code == 403
    assert body_segment(out_dir)["en"] == seg["en"]


def test_bad_saves_are_refused_with_one_line(client, out_dir):
    seg = body_segment(out_dir)
    assert save(client, "no-such-id", "x", None).status_code == 400
    assert save(client, seg["id"], "   ", seg["en"]).status_code == 400
    assert save(client, seg["id"], "x", seg["en"], status="final").status_code == 400
    token = client.cookies.get("bilingual_csrf")
    r = client.post(f"/api/edition/{STEM}/segments/{seg['id']}", headers={**ORIGIN, "X-CSRF-Token": token},
                    content=b"not json")
    assert r.status_code == 400
    huge = save(client, seg["id"], "x" * 70_000, seg["en"])
    assert huge.status_code == 413
    assert client.get("/edition/nope/review").status_code == 404


@pytest.mark.slow
def test_glossary_edit_offers_retranslation_that_keeps_a_persons_english(client, out_dir, glossary_dir):
    reviewed = body_segment(out_dir)
    assert save(client, reviewed["id"], "A person's English stays.", reviewed["en"]).status_code == 200
    wait_ready(client)
    assert "older glossary" not in client.get(f"/edition/{STEM}/review").text
    token = client.cookies.get("bilingual_csrf")
    added = client.post("/glossary/add", data={"zh": "农村创业孵化基地", "en": "rural business incubator", "type": "term",
                                                "csrf": token}, headers=ORIGIN, follow_redirects=True)
    assert added.status_code == 200 and "added" in added.text
    page = client.get(f"/edition/{STEM}/review")
    assert "older glossary" in page.text and "Retranslate machine sentences" in page.text
    r = client.post(f"/edition/{STEM}/retranslate", data={"csrf": token}, headers=ORIGIN, follow_redirects=False)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    deadline = time.monotonic() + 60
    while (job := client.get(f"/api/jobs/{job_id}").json())["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert job["state"] == "done", job
    assert job["edition_url"] == f"/edition/{STEM}/review"
    after = edition(out_dir)
    english = " ".join(s["en"] or "" for a in after["articles"] for p in a["paragraphs"] for s in p["segments"])
    assert "rural business incubator" in english  # the new glossary row reached the machine sentences
    assert body_segment(out_dir)["en"] == "A person's English stays."
    assert "older glossary" not in client.get(f"/edition/{STEM}/review").text


def test_proof_pdf_is_made_on_demand_with_highlights_listed(client, out_dir):
    r = client.get(f"/edition/{STEM}/download/proof")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    proof = out_dir / STEM / f"{STEM}.proof.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(proof), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Proof" in text and "Names to confirm" in text
    published = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out_dir / STEM / f"{STEM}.zh-en.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
    assert "Names to confirm" not in published
