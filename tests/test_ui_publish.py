"""Publishing and the audit log in the web interface: a small action drafted, approved and
leak-checked through the pages, published by the publisher into memory (nothing left on disk),
its downloads matching the signed manifest and passing ``publish verify``, and the audit page
listing and verifying what happened."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

from tests.ui_harness import SAME_ORIGIN, UiClient, clear_spans, post_verdict, run, ui_as
from vault.services.session import Vault

ACTION = "UA 099/26"
CASES = ["UA-061-21-002", "UA-061-21-003"]


def log_actions(client: UiClient) -> list[str]:
    def work(v: Vault) -> list[str]:
        from vault.services.audit import audit_log

        return [line.entry.action for line in reversed(audit_log(v, limit=100_000))]

    return run(client, work)


def close(client: UiClient) -> None:
    client.ui.worker.shutdown()


def approve_all(rui: UiClient, draft_id: str) -> None:
    clear_spans(rui, draft_id)  # what no layer judged is public here: the reviewer accepts it
    answer = post_verdict(rui, draft_id, "approve")
    assert answer.status_code == 303, answer.text


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("casevault-ui-publish-*")}


def test_publish_from_the_ui(demo_path: Path, tmp_path: Path) -> None:
    # --- cara: a small action of two cases, drafted in English -----------------------------
    cara = ui_as(demo_path, "cara")

    def new_action(v: Vault) -> None:
        from vault.services.actions import put_action
        from vault.services.demo_data import demo_action

        put_action(v, {**demo_action(CASES), "action_id": ACTION})

    run(cara, new_action)
    for subject in [ACTION, *CASES]:
        made = cara.submit("/drafts/new", {"subject": subject, "lang": "en"})
        assert made.status_code == 303, made.text
    close(cara)

    # --- rui approves the three drafts ---------------------------------------------------------
    rui = ui_as(demo_path, "rui")
    for draft_id in ("D-0001", "D-0002", "D-0003"):
        approve_all(rui, draft_id)
    close(rui)

    # --- cara runs the last leak gate for today from the publish page -------------------------
    cara = ui_as(demo_path, "cara")
    overview = cara.get("/publish").text
    assert "Run the leak check for today" in overview and 'action="/publish"' not in overview
    assert "Not ready to publish today." in overview  # said before anyone presses Publish
    assert "has not passed the leak check" in overview
    checked = cara.submit("/publish/check", {"action": ACTION})
    assert checked.status_code == 200 and "no protected value in" in checked.text
    assert "Ready: every draft is approved" in checked.text
    assert log_actions(cara)[-1] == "publish.check"
    close(cara)

    # --- pia publishes ----------------------------------------------------------------------
    pia = ui_as(demo_path, "pia")
    overview = pia.get("/publish").text
    assert "Approved in: en" in overview and "No publications yet." in overview
    assert "Ready: every draft is approved" in overview and " disabled>" not in overview

    before = log_actions(pia)
    foreign = pia.post(
        "/publish",
        data={"action": ACTION},
        headers={"origin": "http://127.0.0.1:9999", "sec-fetch-site": "same-site"},
    )
    tokenless = pia.post("/publish", data={"action": ACTION}, headers=SAME_ORIGIN)
    assert foreign.status_code == 403 and tokenless.status_code == 403
    assert log_actions(pia) == before

    temps = leftovers()
    published = pia.submit("/publish", {"action": ACTION, "lang": "en"})
    assert published.status_code == 303, published.text
    result_path = published.headers["location"]
    assert re.fullmatch(r"/publish/result/[A-Za-z0-9_-]{20,}", result_path)
    assert leftovers() == temps  # the temporary folder is gone at once
    assert log_actions(pia)[len(before) :] == ["publish", "publish.manifest"]

    result = pia.get(result_path)
    assert result.status_code == 200
    assert "casevault publish verify" in result.text
    assert "OK — UA 099/26 follow-up 0" in result.text
    rid = result_path.rsplit("/", 1)[1]

    manifest_answer = pia.get(f"/publish/files/{rid}/MANIFEST.json")
    assert manifest_answer.status_code == 200
    assert manifest_answer.headers["content-disposition"].startswith("attachment;")
    manifest = json.loads(manifest_answer.content)
    assert manifest["action"] == ACTION and manifest["languages"] == ["en"]
    names = [f["name"] for f in manifest["files"]]
    assert {n.rsplit(".", 1)[1] for n in names} == {"docx", "pdf", "html", "md"}
    for f in manifest["files"]:
        assert f["sha256"] in result.text  # the page lists each digest as the manifest does
        got = pia.get(f"/publish/files/{rid}/{f['name']}")
        assert got.status_code == 200 and got.headers["content-disposition"].startswith(
            "attachment;"
        )
        assert hashlib.sha256(got.content).hexdigest() == f["sha256"]
    assert pia.get(f"/publish/files/{rid}/nothing.pdf").status_code == 404
    assert pia.get("/publish/files/unknown/MANIFEST.json").status_code == 404

    # the zip of the whole folder checks as `publish verify` checks it
    archive = pia.get(f"/publish/zip/{rid}")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        z.extractall(tmp_path / "unzipped")
    [folder] = list((tmp_path / "unzipped").iterdir())
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*names, "MANIFEST.json", "MANIFEST.json.sig"]
    )

    from vault.services.publisher import allowed_signers, verify_folder

    signers = "\n".join(run(pia, allowed_signers)) + "\n"
    check = verify_folder(folder, signers)
    assert check.action == ACTION and check.files == len(names) and check.signer_trusted
    assert check.log_entry == len(before)

    overview = pia.get("/publish").text
    assert "No publications yet." not in overview and "UA 099/26" in overview

    # --- the audit log shows it, and verifies --------------------------------------------------
    audit = pia.get("/audit").text
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>.*?</tr>", audit, flags=re.S)
    assert rows and int(rows[0]) == len(log_actions(pia)) - 1  # newest first
    assert "<td>publish.manifest</td>" in audit and "<td>publish</td>" in audit
    assert "<td>review.approve</td>" in audit and "<td>publish.check</td>" in audit
    only = pia.get("/audit", params={"action": "publish", "limit": "5"}).text
    shown = re.findall(r"<td>(publish[a-z.]*)</td>", only)
    assert shown and set(shown) <= {"publish", "publish.manifest", "publish.check"}
    assert "<td>draft.create</td>" not in only
    by_case = pia.get("/audit", params={"case": CASES[0], "person": "rui"}).text
    assert "<td>review.approve</td>" in by_case and "<td>publish</td>" not in by_case

    size = len(log_actions(pia))
    verified = pia.submit("/audit/verify", {})
    assert verified.status_code == 200
    assert f"Audit log OK: {size} entries" in verified.text
    assert len(log_actions(pia)) == size  # verifying records nothing

    # a lock forgets the publication held in memory
    pia.submit("/lock", {})
    after = pia.get(result_path)
    assert "/unlock" in after.text and "MANIFEST.json" not in after.text  # the lock page
    close(pia)
