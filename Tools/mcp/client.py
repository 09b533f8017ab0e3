#!/usr/bin/env python3
"""A real MCP client against Vigil's `POST /mcp`: the official Python SDK (`mcp`, PyPI) over streamable HTTP.

It initializes, lists the tools (the four Vigil tools, each with input and output schemas and readOnlyHint),
and calls `explain_findings` for one stored input; with --all it also calls list_detectors, get_findings and
get_worklist and reads one model-card resource. The SDK validates each tool's structured content against the
tool's output schema, so a result that breaks its schema fails here. With --check-auth it also checks that a
request without the bearer token is refused with 401.

Exit status: 0 when every step passed, 1 on any failure (the step and the reason on stderr).

    /work/venv-tools/bin/python Tools/mcp/client.py --url http://127.0.0.1:8080/mcp --token "$TOKEN" --input-id 1 --all
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

EXPECTED_TOOLS = {"list_detectors", "get_findings", "explain_findings", "get_worklist"}


class Failure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failure(message)


def tool_json(result) -> dict:
    check(not result.is_error, "tool error: " + " ".join(getattr(c, "text", "") for c in result.content))
    check(isinstance(result.structured_content, dict), "no structured content")
    return result.structured_content


async def run(args) -> dict:
    report: dict = {"url": args.url}
    if args.check_auth:
        async with httpx2.AsyncClient(timeout=30) as raw:
            r = await raw.post(args.url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                               headers={"Accept": "application/json, text/event-stream"})
            check(r.status_code == 401, f"a request without a token answered {r.status_code}, expected 401")
            report["withoutToken"] = r.status_code

    headers = {"Authorization": f"Bearer {args.token}"}
    async with create_mcp_http_client(headers=headers) as http:
        async with streamable_http_client(args.url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                report["protocolVersion"] = init.protocol_version
                report["server"] = f"{init.server_info.name} {init.server_info.version}"

                tools = (await session.list_tools()).tools
                names = {t.name for t in tools}
                check(names == EXPECTED_TOOLS, f"tools {sorted(names)}, expected {sorted(EXPECTED_TOOLS)}")
                for t in tools:
                    check(t.input_schema.get("type") == "object", f"{t.name}: no input schema")
                    check(isinstance(t.output_schema, dict) and t.output_schema.get("type") == "object",
                          f"{t.name}: no output schema")
                    check(t.annotations is not None and t.annotations.read_only_hint is True, f"{t.name}: not read-only")
                report["tools"] = sorted(names)

                explanation = tool_json(await session.call_tool(
                    "explain_findings", {"inputId": args.input_id, "audience": args.audience,
                                         **({"question": args.question} if args.question else {})}))
                check(explanation.get("inputId") == args.input_id, "explanation of another input")
                check(bool(explanation.get("text")), "empty explanation")
                check("audit" not in explanation, "the explanation carries its audit record")
                report["explanation"] = {"audience": explanation["audience"], "claims": len(explanation["claims"]),
                                         "backend": explanation["backend"]["used"],
                                         "firstLine": explanation["text"].splitlines()[0]}

                if args.all:
                    detectors = tool_json(await session.call_tool("list_detectors", {}))["detectors"]
                    check(len(detectors) > 0, "no detectors")
                    report["detectors"] = [d["id"] for d in detectors]
                    findings = tool_json(await session.call_tool("get_findings", {"inputId": args.input_id}))
                    report["findings"] = {"findings": len(findings["findings"]),
                                          "abstentions": len(findings["abstentions"])}
                    worklist = tool_json(await session.call_tool("get_worklist", {"limit": 5}))
                    report["worklist"] = {"entries": len(worklist["entries"]), "total": worklist["total"]}
                    unknown = await session.call_tool("get_findings", {"inputId": 2**31 - 1})
                    check(unknown.is_error is True, "an unknown inputId was not a tool error")
                    cards = [d["model"]["cardUri"] for d in detectors if d.get("model")]
                    resources = [str(r.uri) for r in (await session.list_resources()).resources]
                    check(sorted(resources) == sorted(cards), f"resources {resources} != model cards {cards}")
                    if cards:
                        contents = (await session.read_resource(cards[0])).contents
                        card = json.loads(contents[0].text)
                        check("intendedUse" in card, "the model-card resource is not a model card")
                        report["modelCardRead"] = cards[0]
    return report


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:8080/mcp")
    p.add_argument("--token", default=os.environ.get("VIGIL_TOKEN"), help="bearer token (default: $VIGIL_TOKEN)")
    p.add_argument("--input-id", type=int, required=True, help="a stored input's id (inputId of a scored record)")
    p.add_argument("--audience", choices=["patient", "clinician"], default="patient")
    p.add_argument("--question", default="What does this result mean for me?")
    p.add_argument("--all", action="store_true", help="also call the other three tools and read a model card")
    p.add_argument("--check-auth", action="store_true", help="also check that a request without a token gets 401")
    args = p.parse_args()
    if not args.token:
        print("client.py: no token (--token or VIGIL_TOKEN)", file=sys.stderr)
        return 1
    try:
        report = asyncio.run(run(args))
    except Failure as e:
        print(f"client.py: FAILED: {e}", file=sys.stderr)
        return 1
    except BaseException as e:  # transport errors, schema validation (RuntimeError), task-group errors
        print(f"client.py: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2))
    print("client.py: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
