#!/usr/bin/env python3
"""Reference cases for the IVS client, made by botocore (PyPI `botocore`, run offline).

Usage: botocore_cases.py MODEL_JSON > cases.json

Reads the Smithy JSON model our generator reads, makes inputs for every operation
deterministically from it (every member set, in two variants; only the required members; the
empty input; a label full of characters that must be escaped), and has botocore's own client
serialize each one. A `before-send` handler captures the prepared request and answers it with a
canned response, so nothing leaves the process. Canned responses (every output member set, in
several variants) and error responses (one per modeled error, plus the forms moto and unmodeled
services send) go through botocore's parser the same way.

The cases are written as one JSON document; `client-tests/tests/botocore.rs` sends the same
inputs through our client and compares. Values that are not JSON are tagged: a timestamp as
{"$timestamp": epoch seconds}, so the test compares instants, not spellings.

botocore serializes from its own bundled IVS model (AWS's translation of the same service),
not from ours: an independent reading. That model may be newer than ours; the script only sets
members of our model and stops with an error when botocore's model lacks one.
"""

import base64
import datetime
import json
import sys

import botocore
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

NS = "com.amazonaws.ivs#"
ACCOUNT = "123456789012"
REGION = "us-west-2"
REQUEST_ID = "6f2b0e36-6c52-4b43-9d0c-3f3d9c2a0c1e"

# Timestamps used in inputs and responses: whole seconds, then with a fraction.
INSTANTS = [
    datetime.datetime(2024, 5, 1, 12, 34, 56, tzinfo=datetime.timezone.utc),
    datetime.datetime(2023, 11, 14, 22, 13, 20, 789000, tzinfo=datetime.timezone.utc),
]


class Model:
    """The few questions about the Smithy model this script asks."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.shapes = json.load(f)["shapes"]

    def shape(self, shape_id):
        if shape_id.startswith("smithy.api#"):
            return {"type": shape_id.split("#")[1].lower(), "traits": {}}
        return self.shapes[shape_id]

    def traits(self, shape_id):
        return self.shape(shape_id).get("traits", {})

    def operations(self):
        return sorted(
            k[len(NS):] for k, v in self.shapes.items() if v["type"] == "operation"
        )

    def operation(self, name):
        return self.shapes[NS + name]

    def members(self, shape_id):
        return self.shape(shape_id).get("members", {})

    def enum_values(self, shape_id):
        shape = self.shape(shape_id)
        if shape["type"] == "enum":
            return [
                m.get("traits", {}).get("smithy.api#enumValue", name)
                for name, m in shape["members"].items()
            ]
        enum = shape.get("traits", {}).get("smithy.api#enum")
        return [e["value"] for e in enum] if enum else None


# ---------------------------------------------------------------------------------------------
# Values


ARN_TYPES = [
    ("playbackrestrictionpolicy", "playback-restriction-policy"),
    ("recordingconfiguration", "recording-configuration"),
    ("playbackkeypair", "playback-key"),
    ("keypair", "playback-key"),
    ("streamkey", "stream-key"),
    ("channel", "channel"),
]


def arn_for(hint, variant):
    """A realistic ARN whose resource type follows the member or shape name."""
    h = hint.lower()
    kind = next((k for key, k in ARN_TYPES if key in h), "channel")
    ident = ["abcdEFGH1234", "zyxw9876VUTS"][variant]
    return f"arn:aws:ivs:{REGION}:{ACCOUNT}:{kind}/{ident}"


def fit(value, shape_traits):
    """Pads or cuts a string to the shape's @length."""
    length = shape_traits.get("smithy.api#length", {})
    lo, hi = length.get("min", 0), length.get("max")
    while len(value) < lo:
        value += "x"
    if hi is not None:
        value = value[:hi]
    return value


def string_value(model, target, member_name, variant):
    traits = model.traits(target)
    hint = member_name + " " + target
    h = hint.lower()
    if "arn" in member_name.lower() or target.lower().endswith("arn"):
        return fit(arn_for(hint, variant), traits)
    if "country" in h:
        return ["US", "DE"][variant]
    if "origin" in h:
        return ["https://example.com", "https://www.example.org:8443"][variant]
    if "bucket" in h:
        return ["my-ivs-recordings", "recordings.example-2"][variant]
    if "streamid" in h:
        return fit(["st-1A2b3C4d5E6f7G8h9I0jKlMn", "st-ZzYyXxWwVvUuTtSsRrQqPpOo"][variant], traits)
    if "token" in h:
        return ["AQECAHh0a2VuLXBhZ2UtMg==", "bmV4dC1wYWdl_-/+="][variant]
    if "publickey" in h:
        return [
            "-----BEGIN PUBLIC KEY-----\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE\n-----END PUBLIC KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\r\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\r\n-----END PUBLIC KEY-----",
        ][variant]
    if "metadata" in h:
        return ['{"score": 3, "note": "caf\u00e9 \u2603"}', "line1\nline2\t\"quoted\" \\ \U0001F600"][variant]
    if "viewerid" in h:
        return fit(["viewer-0001", "Viewer \u00fcml\u00e4ut"][variant], traits)
    if "tagkey" in h:
        return fit(["team", "cost:center"][variant], traits)
    if "tagvalue" in h:
        return ["video", "caf\u00e9 & \u00e9quipe"][variant]
    if "name" in member_name.lower():
        return fit(["demo-channel_1", "Other-Name"][variant], traits)
    if "passphrase" in h or "streamkeyvalue" in h or member_name == "value":
        return ["sk_us-west-2_abcdEFGHijklMNOP", "p@ss w0rd/+="][variant]
    if "url" in h or "endpoint" in h:
        return ["https://fcc3ddae31ed.us-west-2.playback.live-video.net/api/video/v1/x.m3u8",
                "rtmps://fcc3ddae31ed.global-contribute.live-video.net:443/app/"][variant]
    return fit([f"{member_name}-value", f"{member_name} \u00e9 2"][variant], traits)


def number_value(model, target, variant, is_long):
    rng = model.traits(target).get("smithy.api#range", {})
    lo, hi = rng.get("min"), rng.get("max")
    if variant == 0:
        v = 7
    else:
        v = 2**40 + 3 if is_long else 2**31 - 1
    if lo is not None and v < lo:
        v = int(lo)
    if hi is not None and v > hi:
        v = int(hi)
    return v


def value(model, target, member_name, variant, mode, depth=0):
    """(botocore value, JSON value for our serde input) for a shape.

    mode "full": every member; "required": only @required members.
    """
    shape = model.shape(target)
    kind = shape["type"]
    traits = shape.get("traits", {})
    if depth > 8:
        raise SystemExit(f"recursion too deep at {target}")
    enum = model.enum_values(target)
    if enum:
        v = enum[0] if variant == 0 else enum[-1]
        return v, v
    if kind == "string":
        v = string_value(model, target, member_name, variant)
        return v, v
    if kind in ("integer", "long", "short", "byte"):
        v = number_value(model, target, variant, kind == "long")
        return v, v
    if kind in ("float", "double"):
        v = [1.5, -0.25][variant]
        return v, v
    if kind == "boolean":
        v = variant == 0
        return v, v
    if kind == "timestamp":
        t = INSTANTS[variant]
        return t, t.isoformat().replace("+00:00", "Z")
    if kind == "blob":
        raw = [b"hello \x00\xff", b""][variant]
        return raw, base64.b64encode(raw).decode()
    if kind == "list":
        lo = traits.get("smithy.api#length", {}).get("min", 0)
        count = 2 if variant == 0 else max(lo, 0)
        if count == 0 and variant == 1:
            return [], []
        items = [
            value(model, shape["member"]["target"], member_name, (variant + i) % 2, mode, depth + 1)
            for i in range(count)
        ]
        return [b for b, _ in items], [o for _, o in items]
    if kind == "map":
        lo = traits.get("smithy.api#length", {}).get("min", 0)
        count = 2 if variant == 0 else max(lo, 1)
        bot, ours = {}, {}
        for i in range(count):
            k, _ = value(model, shape["key"]["target"], "tagKey", (variant + i) % 2, mode, depth + 1)
            k = f"{k}{i}" if variant == 0 else k
            vb, vo = value(model, shape["value"]["target"], "tagValue", (variant + i) % 2, mode, depth + 1)
            bot[k], ours[k] = vb, vo
        return bot, ours
    if kind == "structure":
        bot, ours = {}, {}
        for name, m in shape["members"].items():
            if mode == "required" and "smithy.api#required" not in m.get("traits", {}):
                continue
            b, o = value(model, m["target"], name, variant, mode, depth + 1)
            bot[name], ours[name] = b, o
        return bot, ours
    if kind == "union":
        name, m = next(iter(shape["members"].items()))
        b, o = value(model, m["target"], name, variant, mode, depth + 1)
        return {name: b}, {name: o}
    raise SystemExit(f"no sample value for {target} ({kind})")


# ---------------------------------------------------------------------------------------------
# Responses


def output_body(model, target, variant, epoch=False):
    """A JSON response body setting every member of the output (as the service writes it)."""
    _, ours = value(model, target, "output", variant, "full")
    return to_wire(model, target, ours, epoch)


def to_wire(model, target, v, epoch):
    """Rewrites the JSON value of a shape as the service sends it: timestamps in the model's
    format, or with `epoch` as epoch seconds where the model says date-time (a form AWS JSON
    services also send)."""
    shape = model.shape(target)
    kind = shape["type"]
    if kind == "timestamp":
        t = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        if epoch:
            return t.timestamp()
        return v
    if kind == "list":
        return [to_wire(model, shape["member"]["target"], x, epoch) for x in v]
    if kind == "map":
        return {k: to_wire(model, shape["value"]["target"], x, epoch) for k, x in v.items()}
    if kind == "structure":
        return {k: to_wire(model, shape["members"][k]["target"], x, epoch) for k, x in v.items()}
    return v


def sparse_body(model, target):
    """Every top-level member, but nested structures with only their required members (so
    members with a @default are left out), plus a member this model does not know."""
    body = {}
    for name, m in model.members(target).items():
        _, v = value(model, m["target"], name, 0, "required")
        body[name] = to_wire(model, m["target"], v, True)
    body["someFutureMember"] = {"nested": [1, 2, 3]}
    return body


def hollow_body(model, target):
    """Every top-level member, with nested structures empty, even of their required members:
    a service that breaks its model (clients correct it, Smithy says)."""
    def hollow(target, v):
        shape = model.shape(target)
        if shape["type"] == "structure":
            return {}
        if shape["type"] == "list":
            return [hollow(shape["member"]["target"], x) for x in v]
        if shape["type"] == "map":
            return {k: hollow(shape["value"]["target"], x) for k, x in v.items()}
        return v
    _, full = value(model, target, "output", 0, "full")
    body = {}
    for name, m in model.members(target).items():
        body[name] = to_wire(model, m["target"], hollow(m["target"], full[name]), False)
    return body


def nulls_body(model, target):
    """Every member null: null means absent."""
    return {name: None for name in model.members(target)}


def normalize(v):
    """botocore's parsed values as JSON: datetimes tagged as instants, bytes as base64."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        return {"$timestamp": v.timestamp()}
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(v).decode()
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items() if k != "ResponseMetadata"}
    if isinstance(v, list):
        return [normalize(x) for x in v]
    return v


def zero(model, target):
    """The value Smithy's client error correction gives a required member that a response left
    out: false, 0, "", empty list or map, epoch 0, and for a structure its own required and
    defaulted members filled the same way."""
    kind = model.shape(target)["type"]
    if kind == "structure":
        return fill_defaults(model, target, {})
    return {
        "boolean": False, "string": "", "enum": "", "list": [], "map": {}, "blob": "",
        "timestamp": {"$timestamp": 0.0}, "document": None,
    }.get(kind, 0)


def fill_defaults(model, target, v):
    """Our output structures give a member with a @default its default when the response leaves
    it out, and a @required member its zero value (Smithy 2.0 nullability: such members are never
    null; "client error correction" for a required member the service failed to send). botocore
    leaves both out. Fill them in botocore's result so both say the same thing."""
    shape = model.shape(target)
    kind = shape["type"]
    if kind == "list" and isinstance(v, list):
        return [fill_defaults(model, shape["member"]["target"], x) for x in v]
    if kind == "map" and isinstance(v, dict):
        return {k: fill_defaults(model, shape["value"]["target"], x) for k, x in v.items()}
    if kind == "structure" and isinstance(v, dict):
        out = {}
        for name, m in shape["members"].items():
            traits = m.get("traits", {})
            if name in v:
                out[name] = fill_defaults(model, m["target"], v[name])
            elif traits.get("smithy.api#default") is not None:
                out[name] = traits["smithy.api#default"]
            elif "smithy.api#required" in traits:
                out[name] = zero(model, m["target"])
        return out
    return v


def fill_input_defaults(model, target, v, top=True):
    """botocore's request body with the model's @default filled in for members of nested input
    structures that it left out. Our nested structures hold such members as plain values (not
    `Option`s), so we send them; Smithy says default values SHOULD be serialized, and a member
    sent with its default means the same to the service as one left out (DESIGN.md, wire facts).
    The top-level input keeps every member optional, so nothing is filled there."""
    shape = model.shape(target)
    kind = shape["type"]
    if kind == "list" and isinstance(v, list):
        return [fill_input_defaults(model, shape["member"]["target"], x, False) for x in v]
    if kind == "map" and isinstance(v, dict):
        return {k: fill_input_defaults(model, shape["value"]["target"], x, False) for k, x in v.items()}
    if kind == "structure" and isinstance(v, dict):
        out = {}
        for name, m in shape["members"].items():
            default = m.get("traits", {}).get("smithy.api#default")
            if name in v:
                out[name] = fill_input_defaults(model, m["target"], v[name], False)
            elif not top and default is not None:
                out[name] = default
        return out
    return v


# ---------------------------------------------------------------------------------------------
# botocore


class Raw:
    def __init__(self, body):
        self.body = body

    def stream(self, **_):
        yield self.body


class Botocore:
    def __init__(self):
        session = botocore.session.get_session()
        self.client = session.create_client(
            "ivs",
            region_name=REGION,
            aws_access_key_id="AKID",
            aws_secret_access_key="SECRET",
            # One attempt: a canned 500 is parsed, not retried.
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        )
        self.service_model = self.client.meta.service_model
        self.captured = None
        self.answer = None
        self.client.meta.events.register("before-send.ivs", self._before_send)

    def _before_send(self, request, **_):
        self.captured = {
            "method": request.method,
            "url": request.url,
            "headers": {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()},
            "body": body_text(request.body),
        }
        status, headers, body = self.answer
        return AWSResponse(request.url, status, headers, Raw(body))

    def call(self, operation, params, answer=(200, {}, b"{}")):
        """Returns (request or None, outcome)."""
        self.captured = None
        self.answer = answer
        method = getattr(self.client, botocore_method(operation))
        try:
            out = method(**params)
            return self.captured, {"ok": out}
        except ParamValidationError as e:
            return self.captured, {"refused": str(e)}
        except ClientError as e:
            return self.captured, {"error": e}


def body_text(body):
    if body is None:
        return ""
    if hasattr(body, "read"):
        pos = body.tell()
        data = body.read()
        body.seek(pos)
        body = data
    if isinstance(body, bytes):
        return body.decode("utf-8")
    return body


def botocore_method(op):
    from botocore import xform_name

    return xform_name(op)


def split_url(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    query = [tuple(kv.split("=", 1)) if "=" in kv else (kv, "") for kv in parts.query.split("&") if kv]
    return f"{parts.scheme}://{parts.netloc}", parts.path, [list(kv) for kv in query]


def request_json(captured):
    origin, path, query = split_url(captured["url"])
    return {
        "method": captured["method"],
        "origin": origin,
        "path": path,
        "query": query,
        "headers": captured["headers"],
        "body": captured["body"],
    }


# ---------------------------------------------------------------------------------------------
# Cases


def check_members_known(bc, op, model, target, params, where):
    """Stops when botocore's model lacks a member our model has: then the two would not be
    comparing the same thing."""
    shape = model.shape(target)
    if shape["type"] != "structure" or not isinstance(params, dict):
        return
    bshape = where
    for name, v in params.items():
        if name not in bshape.members:
            raise SystemExit(f"{op}: botocore's model has no member {name} in {bshape.name}")
        m = shape["members"][name]
        inner = model.shape(m["target"])
        bm = bshape.members[name]
        if inner["type"] == "structure":
            check_members_known(bc, op, model, m["target"], v, bm)
        elif inner["type"] == "list" and model.shape(inner["member"]["target"])["type"] == "structure":
            for item in v:
                check_members_known(bc, op, model, inner["member"]["target"], item, bm.member)


def label_members(model, input_target):
    return [
        n for n, m in model.members(input_target).items()
        if "smithy.api#httpLabel" in m.get("traits", {})
    ]


def input_cases(model, op):
    """(name, botocore params, our params) for an operation."""
    shape = model.operation(op)
    target = shape.get("input", {}).get("target")
    if not target or target == "smithy.api#Unit":
        return [("empty", {}, {})]
    cases = [("empty", {}, {})]
    req_b, req_o = value(model, target, "input", 0, "required")
    full_b, full_o = value(model, target, "input", 0, "full")
    alt_b, alt_o = value(model, target, "input", 1, "full")
    if req_o and req_o != full_o:
        cases.append(("required", req_b, req_o))
    cases.append(("full", full_b, full_o))
    cases.append(("alt", alt_b, alt_o))
    for label in label_members(model, target):
        # Everything outside A-Za-z0-9-._~ must be percent-encoded, `/` included.
        special = f"arn:aws:ivs:{REGION}:{ACCOUNT}:channel/a b+c%d&e=f?g#h\u00e9~._-"
        b, o = dict(full_b), dict(full_o)
        b[label] = o[label] = special
        cases.append((f"label-{label}", b, o))
    return cases


def error_shapes(model, op):
    return [e["target"] for e in model.operation(op).get("errors", [])]


def run(model_path):
    model = Model(model_path)
    bc = Botocore()
    out = {"botocore": botocore.__version__, "operations": []}
    for op in model.operations():
        shape = model.operation(op)
        bop = bc.service_model.operation_model(op)
        in_target = shape.get("input", {}).get("target", "smithy.api#Unit")
        out_target = shape.get("output", {}).get("target", "smithy.api#Unit")
        status = shape["traits"]["smithy.api#http"].get("code", 200)
        entry = {"operation": op, "requests": [], "responses": [], "errors": []}

        # Requests.
        for name, params_b, params_o in input_cases(model, op):
            if bop.input_shape is not None:
                check_members_known(bc, op, model, in_target, params_b, bop.input_shape)
            captured, outcome = bc.call(op, params_b)
            case = {"name": name, "params": params_o}
            if "refused" in outcome:
                case["refused"] = outcome["refused"]
            else:
                case["request"] = request_json(captured)
                body = case["request"]["body"]
                if body and in_target != "smithy.api#Unit":
                    case["body_with_defaults"] = fill_input_defaults(model, in_target, json.loads(body))
            entry["requests"].append(case)

        # Any input botocore accepts, for the response cases.
        params_b, params_o = next(
            (b, o) for n, b, o in input_cases(model, op)
            if n in ("required", "full") or (n == "empty" and not any(
                "smithy.api#required" in m.get("traits", {})
                for m in model.members(in_target).values()))
        )

        def headers(content_type="application/json"):
            return {"Content-Type": content_type, "x-amzn-RequestId": REQUEST_ID, "Date": "Wed, 01 May 2024 12:34:56 GMT"}

        # Responses.
        bodies = []
        if out_target == "smithy.api#Unit":
            bodies.append(("empty", headers(), b""))
        else:
            bodies.append(("full", headers(), output_body(model, out_target, 0)))
            bodies.append(("alt", headers(), output_body(model, out_target, 1)))
            bodies.append(("epoch-timestamps", headers(), output_body(model, out_target, 0, epoch=True)))
            # moto's content type, although the body is JSON.
            bodies.append(("sparse", headers("text/html; charset=utf-8"), sparse_body(model, out_target)))
            bodies.append(("nulls", headers(), nulls_body(model, out_target)))
            bodies.append(("required-absent", headers(), hollow_body(model, out_target)))
        for name, hdrs, body in bodies:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            _, outcome = bc.call(op, params_b, (status, hdrs, raw))
            if "ok" not in outcome:
                raise SystemExit(f"{op}/{name}: botocore did not parse the response: {outcome}")
            expected = normalize(outcome["ok"])
            if out_target != "smithy.api#Unit":
                expected = fill_defaults(model, out_target, expected)
            entry["responses"].append({
                "name": name,
                "params": params_o,
                "response": {"status": status, "headers": hdrs, "body": raw.decode()},
                "expected": expected,
            })

        # Errors: the real service's form for each modeled error, moto's form for the first,
        # and a code the model does not know.
        forms = []
        for target in error_shapes(model, op):
            ename = target[len(NS):]
            estatus = model.traits(target).get("smithy.api#httpError", 400)
            forms.append((f"{ename}", estatus, {
                "Content-Type": "application/json",
                "x-amzn-RequestId": REQUEST_ID,
                "x-amzn-ErrorType": f"{ename}:http://internal.amazon.com/coral/com.amazonaws.ivs/",
            }, {"exceptionMessage": f"{ename} happened: caf\u00e9"}))
        if forms:
            first = error_shapes(model, op)[0][len(NS):]
            forms.append((f"{first}-moto", forms[0][1], {
                "Content-Type": "application/json",
                "x-amzn-RequestId": REQUEST_ID,
                "x-amzn-ErrorType": first,
            }, {"__type": first, "message": "moto says no"}))
        forms.append(("unmodeled", 400, {
            "Content-Type": "application/json",
            "x-amzn-RequestId": REQUEST_ID,
        }, {"__type": "com.amazonaws.ivs#SomeFutureException", "message": "not in this model"}))
        for name, estatus, hdrs, body in forms:
            raw = json.dumps(body).encode()
            _, outcome = bc.call(op, params_b, (estatus, hdrs, raw))
            if "error" not in outcome:
                raise SystemExit(f"{op}/{name}: botocore did not raise: {outcome}")
            e = outcome["error"]
            resp = e.response
            err = resp.get("Error", {})
            code = err.get("Code")
            entry["errors"].append({
                "name": name,
                "params": params_o,
                "response": {"status": estatus, "headers": hdrs, "body": raw.decode()},
                "expected": {
                    "code": code,
                    # botocore keeps the generic `message` and the model's own member apart.
                    "message": err.get("Message") or None,
                    "exceptionMessage": resp.get("exceptionMessage"),
                    "requestId": resp.get("ResponseMetadata", {}).get("RequestId"),
                    "status": resp.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                    # Whether botocore raised the modeled exception class for this code.
                    "modeled": type(e).__name__ == code and code in [
                        t[len(NS):] for t in error_shapes(model, op)
                    ],
                },
            })
        out["operations"].append(entry)
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    run(sys.argv[1])
