#!/usr/bin/env python3
"""Writes docs/cookbook.md from the corpus cases named cookbook-<pack>-<topic>.

The cookbook's cases live in the conformance corpus, so every surface decides them and checks the
bytes; this script only shows them. For each case it prints the case, the key parts of the blessed
decision, and the case's `expect` claims (meta.json), which the corpus's one checker
(`arrears corpus check`, and the native corpus test) holds to every surface's output.

    python3 scripts/cookbook.py           # rewrite docs/cookbook.md
    python3 scripts/cookbook.py --check   # fail when docs/cookbook.md is not what the corpus gives
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "conformance" / "cases"
OUT = ROOT / "docs" / "cookbook.md"

sys.path.insert(0, str(ROOT / "tests" / "conformance"))
from expected import read_expected  # noqa: E402  (the blessed output, its two files joined)

PACKS = {
    "cn-microloan": "cn-microloan (PRC consumer micro-loans)",
    "us-reg-f": "us-reg-f (United States, Regulation F)",
    "id-ojk": "id-ojk (Indonesia, OJK)",
    "ph-sec": "ph-sec (Philippines, SEC)",
    "in-rbi": "in-rbi (India, RBI)",
}


def claim_text(claim) -> str:
    for verb in ("is", "has", "lacks"):
        if verb in claim:
            return f"`{claim['at']}` {verb} `{json.dumps(claim[verb], ensure_ascii=False)}`"
    raise ClaimError(f"claim without is/has/lacks: {claim}")


def compact(value, indent: str = "") -> str:
    """JSON text with every object or list that fits in a line of 96 characters kept on one line."""
    flat = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if len(indent) + len(flat) <= 96 or not isinstance(value, (dict, list)) or not value:
        return flat
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {compact(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    items = [f"{inner}{compact(v, inner)}" for v in value]
    return "[\n" + ",\n".join(items) + f"\n{indent}]"


def order(name: str):
    """Statuses before events, the plain active case first."""
    topic = name
    return (not topic.startswith("status-"), topic != "status-active", topic)


def action_line(a) -> str:
    who = f"{a['action']} → {a['party']}" + (f" on {a['channel']}" if a["channel"] else "")
    if a["allowed"]:
        until = f" until {a['allowed_until']}" if a["allowed_until"] else ""
        return f"| {who} | allowed{until} |"
    rules = ", ".join(sorted({b["rule"] for b in a["blocked_by"]}))
    when = f"; allowed from {a['next_allowed_at']}" if a["next_allowed_at"] else ""
    return f"| {who} | blocked by {rules}{when} |"


def render() -> str:
    dirs = sorted(d for d in CASES.iterdir() if d.is_dir() and d.name.startswith("cookbook-"))
    if not dirs:
        raise SystemExit("no cookbook-* cases in the corpus")
    out = [
        "# Cookbook: one worked case per event and per status, and each pack's main rules",
        "",
        "Each recipe below is a small case, run through a built-in pack, with the parts of the",
        "decision it exists to show. Every one is also a case of the conformance corpus",
        "(`tests/conformance/cases/<name>/`), decided on every surface and compared byte for byte,",
        "and its claims are checked against the decision. This page is generated from those files by",
        "`python3 scripts/cookbook.py` (the test suite runs it with `--check`), so it cannot drift from",
        "what the engine does. The fields are described in [case.md](case.md) and",
        "[decision.md](decision.md).",
        "",
        "Each pack's recipes start from the same account: one installment of 1,200.00 overdue (in the",
        "pack's currency and zone), a borrower with a mobile number `m1`, an email address `e1` and a",
        "postal address `p1`, and a reference contact `c1` with a mobile number `c1m`. Under us-reg-f",
        "the validation notice was sent two days after the due date; under id-ojk a due-date reminder",
        "was texted the day before it. Only what a recipe adds is described.",
        "",
    ]
    for pack, title in PACKS.items():
        mine = sorted((d for d in dirs if d.name.startswith(f"cookbook-{pack}-")), key=lambda d: order(d.name[len(f"cookbook-{pack}-"):]))
        if not mine:
            continue
        out += [f"## {title}", ""]
        for d in mine:
            meta = json.loads((d / "meta.json").read_text())
            if meta.get("policy") != pack:
                raise SystemExit(f"{d.name}: meta.policy is {meta.get('policy')!r}, not {pack!r}")
            case = json.loads((d / "case.json").read_text())
            output = json.loads(read_expected(d))
            # The corpus's one checker holds these claims to every surface's output; here they
            # are only shown.
            claims = meta.get("expect") or []
            if not claims:
                raise SystemExit(f"{d.name}: meta.json has no expect claims")
            topic = d.name[len(f"cookbook-{pack}-"):]
            out += [f"### {topic}", "", f"`{d.name}`: {meta['description']}"]
            if meta.get("source"):
                out += ["", f"Source: {meta['source']}"]
            out += ["", "```json", compact(case), "```", ""]
            if "error" in output:
                e = output["error"]
                out += [f"Error `{e['code']}` at `{e['path']}`: {e['message']}", ""]
            elif "candidates" in output:
                out += plan_lines(meta, output)
            else:
                dq = output["delinquency"]
                nxt = output["next_action"]
                out += [
                    f"- {dq['days_past_due']} days past due since {dq['overdue_since']}, stage `{dq['stage']['id']}`",
                    f"- status `{output['status']['state']}`"
                    + (f" ({', '.join(r['rule'] for r in output['status']['reasons'])})" if output["status"]["reasons"] else ""),
                    f"- queue `{output['queue']['current']}`"
                    + (f"; `escalate_to` `{output['queue']['escalate_to']}`: move it" if output["queue"]["escalate_to"] else ""),
                    "- next action: "
                    + (f"{nxt['action']} → {nxt['party']}{' on ' + nxt['channel'] if nxt['channel'] else ''} at {nxt['at']} ({nxt['rule']})" if nxt else "none will ever be allowed"),
                    "",
                    "| candidate | verdict |",
                    "|---|---|",
                ]
                out += [action_line(a) for a in output["actions"]]
                out.append("")
            checked = "the plan" if "candidates" in output else "the decision"
            out += [f"Claims (`expect` in its meta.json), checked against {checked}:", ""]
            out += [f"- {claim_text(c)}" for c in claims]
            out.append("")
    return "\n".join(out)


def plan_lines(meta, plan) -> list[str]:
    """A plan as a table: each candidate's windows, pay-day preference and cap room."""
    out = [
        f"- planned over {meta['plan_days']} days (`plan_days` in meta.json), until {plan['until']}",
        "",
        "| candidate | windows (local time; ★ preferred; cap room) |",
        "|---|---|",
    ]
    for c in plan["candidates"]:
        name = f"{c['action']} → {c['party']}" + (f" on {c['channel']}" if c["channel"] else "")
        spans = []
        for w in c["windows"]:
            text = f"{w['from'][5:16].replace('T', ' ')}–{w['until'][11:16]}"
            if w["preferred"]:
                text += " ★"
            if w["caps"]:
                text += " (" + ", ".join(f"{r['rule'].rsplit('.', 1)[-1]}: {r['remaining']}" for r in w["caps"]) + ")"
            spans.append(text)
        out.append(f"| {name} | {'; '.join(spans) if spans else 'never within the horizon'} |")
    out.append("")
    return out


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is not what the corpus gives; run `python3 scripts/cookbook.py`", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(ROOT)} matches the corpus")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
