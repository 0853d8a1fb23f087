#!/usr/bin/env python3
"""Generates nimbus' compact C++ model tables (src/protocol/model.h) for one AWS service.

The primary model is the pinned npm aws-sdk v2 `apis/<svc>-<version>.min.json` (current protocol,
operations and members). Debian's python3-botocore `service-2.json` of the same API version is
walked in parallel, member by member, to overlay what the minified model lacks: query wire names
(locationName, list member / map key / value names), flattened, enums, min/max, error shapes and
their query codes, the query xmlNamespace and resultWrappers. Members that only the v2 model has
keep their own names.

With --directory it instead writes the service directory (src/protocol/service_directory.h): one
row per API in the aws-sdk apis folder (newest version of each), served by nimbus or not, with what
routing and the error writers need (signing name, endpoint prefix, X-Amz-Target prefix, protocol).

Usage: gen_models.py --service sqs --aws-sdk-apis DIR --botocore-data DIR --out FILE.cpp
       gen_models.py --directory --aws-sdk-apis DIR --out FILE.cpp
"""

import argparse
import glob
import json
import os
import re
import sys

API_VERSIONS = {"sqs": "2012-11-05", "s3": "2006-03-01", "sts": "2011-06-15", "lambda": "2015-03-31",
                "logs": "2014-03-28", "events": "2015-10-07", "scheduler": "2021-06-30",
                "schemas": "2019-12-02", "dynamodb": "2012-08-10", "dynamodbstreams": "2012-08-10",
                "apigateway": "2015-07-09", "apigatewayv2": "2018-11-29",
                "glue": "2017-03-31", "athena": "2017-05-18"}
# aws-sdk v2 file names that differ from the service's name (botocore's folder).
V2_FILE_NAMES = {"dynamodbstreams": "streams.dynamodb"}

# rest-xml output root element names: the Smithy @xmlName of these output structures is dropped
# by both JSON models, so the names AWS puts on the wire are listed here.
XML_ROOT_NAMES = {
    "s3": {
        "ListBuckets": "ListAllMyBucketsResult",
        "ListObjects": "ListBucketResult",
        "ListObjectsV2": "ListBucketResult",
        "ListObjectVersions": "ListVersionsResult",
        "ListMultipartUploads": "ListMultipartUploadsResult",
        "ListParts": "ListPartsResult",
        "CreateMultipartUpload": "InitiateMultipartUploadResult",
        "CompleteMultipartUpload": "CompleteMultipartUploadResult",
        "DeleteObjects": "DeleteResult",
        "GetBucketLocation": "LocationConstraint",
        "GetBucketTagging": "Tagging",
        "GetObjectTagging": "Tagging",
        "GetBucketVersioning": "VersioningConfiguration",
        "GetBucketAcl": "AccessControlPolicy",
        "GetObjectAcl": "AccessControlPolicy",
        "GetBucketCors": "CORSConfiguration",
        "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
        "GetBucketNotificationConfiguration": "NotificationConfiguration",
        "GetBucketWebsite": "WebsiteConfiguration",
        "GetBucketLogging": "BucketLoggingStatus",
        "GetBucketRequestPayment": "RequestPaymentConfiguration",
        "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
        "GetObjectAttributes": "GetObjectAttributesResponse",
    }
}

# Services whose enums in Debian's botocore (2023) lag what AWS accepts today (Lambda runtimes,
# CloudWatch Logs classes): their handlers check those values themselves.
STALE_ENUM_SERVICES = {"lambda", "logs"}

SHAPE_TYPES = {
    "structure": "Structure", "list": "List", "map": "Map", "string": "String",
    "integer": "Integer", "long": "Long", "boolean": "Boolean", "float": "Float",
    "double": "Double", "blob": "Blob", "timestamp": "Timestamp",
}


def recursive_shapes(model):
    """Names of the shapes that can reach themselves through their members."""
    shapes = model.get("shapes", {}) if model else {}

    def references(shape):
        # Members may be references ({"shape": name}) or inline definitions (the v2 .min models).
        if "shape" in shape:
            return [shape["shape"]]
        refs = list(shape.get("members", {}).values())
        refs += [shape[key] for key in ("member", "key", "value") if key in shape]
        return [name for ref in refs for name in references(ref)]

    def children(name):
        return references(shapes.get(name, {}))

    recursive = set()
    for start in shapes:
        seen, stack = set(), children(start)
        while stack:
            name = stack.pop()
            if name == start:
                recursive.add(start)
                break
            if name not in seen:
                seen.add(name)
                stack.extend(children(name))
    return recursive

# Traits that belong to the reference (member) rather than to the shape it points at.
MEMBER_TRAITS = ("location", "locationName", "queryName", "flattened", "xmlAttribute", "streaming",
                 "idempotencyToken", "hostLabel", "timestampFormat", "xmlNamespace", "eventpayload")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Resolver:
    """Resolves a shape reference of one model into (shape definition, reference traits)."""

    def __init__(self, model):
        self.shapes = model.get("shapes", {}) if model else {}

    def resolve(self, ref):
        if ref is None:
            return None, {}, None
        if "shape" in ref:
            name = ref["shape"]
            shape = dict(self.shapes[name])
            traits = {k: v for k, v in ref.items() if k != "shape"}
            return shape, traits, name
        return ref, ref, None


class Generator:
    """Walks the v2 and botocore models in parallel and interns merged shapes and members."""

    def __init__(self, service, v2, boto):
        self.service = service
        self.v2 = Resolver(v2)
        self.boto = Resolver(boto)
        self.shapes = []      # emitted shape dicts
        self.members = []     # emitted member dicts
        self.index = {}       # canonical key -> shape index
        self.in_progress = set()
        self.recursive = recursive_shapes(v2) | recursive_shapes(boto)

    def intern(self, shape, members):
        key = json.dumps([shape, members], sort_keys=True)
        if key in self.index:
            return self.index[key]
        if members:
            shape["first_member"] = len(self.members)
            shape["member_count"] = len(members)
            self.members.extend(members)
        self.shapes.append(shape)
        self.index[key] = len(self.shapes) - 1
        return self.index[key]

    def shape(self, v2ref, bref):
        """Returns the index of the merged shape for a pair of references (either may be None)."""
        v2shape, _, v2name = self.v2.resolve(v2ref)
        bshape, _, bname = self.boto.resolve(bref)
        if (v2name or bname) in self.recursive:
            # A shape that contains itself (DynamoDB's AttributeValue): the codecs pass it through
            # as a JSON document and the service validates it.
            return self.intern({"type": "Document"}, [])
        loop_key = (v2name, bname)
        if (v2name or bname) and loop_key in self.in_progress:
            sys.exit(f"recursive shape {v2name or bname} is not supported")
        if v2shape is not None and bshape is not None and \
                v2shape.get("type", "string") != bshape.get("type", "string"):
            bshape, bname = None, None  # the models disagree: trust the v2 one alone
        self.in_progress.add(loop_key)
        try:
            return self._shape(v2shape, bshape or {}, bname)
        finally:
            self.in_progress.discard(loop_key)

    def _shape(self, s, b, bname):
        """`s` is the v2 definition (None for botocore-only shapes), `b` the botocore one."""
        v2_only = s is not None
        s = s if s is not None else {}

        def pick(key):
            return s[key] if key in s else b.get(key)

        kind = s.get("type", "string") if v2_only else b.get("type", "string")
        out = {"type": SHAPE_TYPES[kind]}
        is_error = bool(s.get("exception") or b.get("exception"))
        if kind == "structure" or is_error:
            out["name"] = bname or ""
        for key in ("min", "max"):
            value = pick(key)
            if value is not None:
                out["has_" + key] = True
                out[key] = int(value)
        if pick("enum") and self.service not in STALE_ENUM_SERVICES:
            out["enum_values"] = "\n".join(pick("enum"))
        if pick("flattened"):
            out["flattened"] = True
        for key, field in (("payload", "payload"), ("timestampFormat", "timestamp_format")):
            if pick(key):
                out[field] = pick(key)
        if kind == "structure":
            if pick("locationName"):
                out["location_name"] = pick("locationName")
            if pick("xmlNamespace"):
                out["xml_namespace"] = pick("xmlNamespace").get("uri", "")
        if pick("streaming"):
            out["streaming"] = True
        if pick("eventstream"):
            out["event_stream"] = True
        if is_error:
            out["is_error"] = True
            error = b.get("error") or s.get("error")
            if error:
                out["error_code"] = error.get("code", "")
                out["error_status"] = int(error.get("httpStatusCode", 0))
                out["error_sender_fault"] = bool(error.get("senderFault", False))
        members = []
        if kind == "structure":
            members = self.structure_members(s if v2_only else None, b)
        elif kind == "list":
            self.list_shape(s if v2_only else None, b, out)
        elif kind == "map":
            self.map_shape(s if v2_only else None, b, out)
        return self.intern(out, members)

    def structure_members(self, s, b):
        bmembers = b.get("members", {})
        if s is None:
            required = set(b.get("required", []))
            return [self.member(name, None, bref, name in required) for name, bref in bmembers.items()]
        required = set(s.get("required", b.get("required", [])))
        return [self.member(name, ref, bmembers.get(name), name in required)
                for name, ref in s.get("members", {}).items()]

    def member(self, name, ref, bref, required):
        index = self.shape(ref, bref)
        target = self.shapes[index]
        refs = [r for r in (ref, bref) if r is not None]

        def trait(key):
            for r in refs:
                if key in r:
                    return r[key]
            return None

        out = {"name": name, "shape": index}
        location_name = self.element_name(ref, bref)
        if location_name and location_name != name:
            out["location_name"] = location_name
        for key, field in (("location", "location"), ("queryName", "query_name"),
                           ("timestampFormat", "timestamp_format")):
            if trait(key):
                out[field] = trait(key)
        for key, field in (("flattened", "flattened"), ("xmlAttribute", "xml_attribute"),
                           ("streaming", "streaming"), ("idempotencyToken", "idempotency_token"),
                           ("hostLabel", "host_label"), ("eventpayload", "event_payload")):
            if trait(key):
                out[field] = True
        if target.get("flattened"):
            out["flattened"] = True
        if required:
            out["required"] = True
        ns = trait("xmlNamespace") or self.prefixed_shape_namespace(ref, bref)
        if ns:
            out["xml_namespace_uri"] = ns.get("uri", "")
            if ns.get("prefix"):
                out["xml_namespace_prefix"] = ns["prefix"]
        return out

    def prefixed_shape_namespace(self, ref, bref):
        """A target shape's own prefixed namespace (S3's Grantee: xsi, for its xsi:type attribute),
        declared on each element written for it, as AWS does."""
        for resolver, r in ((self.v2, ref), (self.boto, bref)):
            shape, _, _ = resolver.resolve(r)
            ns = (shape or {}).get("xmlNamespace")
            if ns and ns.get("prefix"):
                return ns
        return None

    def element_name(self, ref, bref):
        """A reference's wire name: its own locationName, else its target shape's (as botocore)."""
        for r in (ref or {}, bref or {}):
            if r.get("locationName"):
                return r["locationName"]
        for resolver, r in ((self.v2, ref), (self.boto, bref)):
            shape, _, _ = resolver.resolve(r)
            if shape and shape.get("locationName"):
                return shape["locationName"]
        return ""

    def list_shape(self, s, b, out):
        ref = s.get("member") if s is not None else None
        out["list_member"] = self.shape(ref, b.get("member"))
        name = self.element_name(ref, b.get("member"))
        if name:
            out["list_member_name"] = name

    def map_shape(self, s, b, out):
        key_ref = s.get("key") if s is not None else None
        value_ref = s.get("value") if s is not None else None
        out["map_key"] = self.shape(key_ref, b.get("key"))
        out["map_value"] = self.shape(value_ref, b.get("value"))
        key_name = self.element_name(key_ref, b.get("key"))
        value_name = self.element_name(value_ref, b.get("value"))
        if key_name:
            out["map_key_name"] = key_name
        if value_name:
            out["map_value_name"] = value_name


def cpp_string(text):
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or ord(ch) > 126:
            out.extend(f"\\x{b:02x}\"\"" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def cpp_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.startswith("ShapeType::"):
        return value
    return cpp_string(value)


def initializer(fields, record):
    parts = []
    for field in fields:
        if field in record:
            parts.append(f".{field} = {cpp_value(record[field])}")
    return "{" + ", ".join(parts) + "}"


SHAPE_FIELDS = ("name", "type", "first_member", "member_count", "list_member", "map_key",
                "map_value", "list_member_name", "map_key_name", "map_value_name", "flattened",
                "has_min", "has_max", "min", "max", "enum_values", "payload", "location_name",
                "xml_namespace", "timestamp_format", "streaming", "event_stream", "is_error", "error_code",
                "error_status", "error_sender_fault")
MEMBER_FIELDS = ("name", "shape", "location", "location_name", "query_name", "flattened",
                 "xml_attribute", "required", "streaming", "idempotency_token", "host_label",
                 "event_payload", "timestamp_format", "xml_namespace_uri", "xml_namespace_prefix")
OPERATION_FIELDS = ("name", "http_method", "request_uri", "input", "output", "result_wrapper",
                    "http_status", "input_location_name", "input_xml_namespace", "deprecated")


def build(service, v2, boto):
    gen = Generator(service, v2, boto)
    boto_ops = boto.get("operations", {}) if boto else {}
    roots = XML_ROOT_NAMES.get(service, {})
    operations = []
    for name in sorted(v2["operations"]):
        op = v2["operations"][name]
        bop = boto_ops.get(name, {})
        http = op.get("http", {})
        record = {"name": name, "http_method": http.get("method", "POST"),
                  "request_uri": http.get("requestUri", "/"), "input": "kNoShape",
                  "output": "kNoShape"}
        if http.get("responseCode"):
            record["http_status"] = int(http["responseCode"])
        if op.get("deprecated"):
            record["deprecated"] = True
        if "input" in op:
            record["input"] = gen.shape(op["input"], bop.get("input"))
            payload_ref = input_payload_ref(op["input"], gen)
            if payload_ref:
                if payload_ref.get("locationName"):
                    record["input_location_name"] = payload_ref["locationName"]
                if payload_ref.get("xmlNamespace"):
                    record["input_xml_namespace"] = payload_ref["xmlNamespace"].get("uri", "")
        if "output" in op:
            output_ref = dict(op["output"])
            if name in roots:
                output_ref = resolved_copy(output_ref, gen.v2)
                output_ref["locationName"] = roots[name]
            record["output"] = gen.shape(output_ref, bop.get("output"))
            wrapper = op["output"].get("resultWrapper") or bop.get("output", {}).get("resultWrapper")
            if wrapper:
                record["result_wrapper"] = wrapper
        operations.append(record)
    if boto:
        for name, shape in sorted(boto.get("shapes", {}).items()):
            if shape.get("exception"):
                gen.shape(None, {"shape": name})
    return gen, operations


def resolved_copy(ref, resolver):
    shape, traits, _ = resolver.resolve(ref)
    merged = dict(shape)
    merged.update({k: v for k, v in traits.items() if k in MEMBER_TRAITS})
    return merged


def input_payload_ref(input_ref, gen):
    shape, _, _ = gen.v2.resolve(input_ref)
    payload = shape.get("payload")
    if not payload:
        return None
    return shape["members"].get(payload)


def common_xml_namespace(model):
    """rest-xml models carry no service-wide xmlns; use the one their payloads declare most."""
    counts = {}

    def walk(node):
        if isinstance(node, dict):
            ns = node.get("xmlNamespace")
            if isinstance(ns, dict) and ns.get("uri"):
                counts[ns["uri"]] = counts.get(ns["uri"], 0) + 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    if model["metadata"].get("protocol") == "rest-xml":
        walk(model)
    return max(counts, key=counts.get) if counts else ""


def emit(service, v2, boto, gen, operations, out_path):
    meta = v2["metadata"]
    bmeta = boto.get("metadata", {}) if boto else {}
    lines = [
        f"// Generated by tools/gen_models.py from {meta['uid']} (aws-sdk v2 model + botocore overlay).",
        "// Do not edit.",
        '#include "protocol/model.h"',
        "",
        "namespace nimbus::model {",
        "namespace {",
        "",
        f"constexpr MemberDef kMembers[{max(1, len(gen.members))}] = {{",
    ]
    for m in gen.members:
        lines.append("    " + initializer(MEMBER_FIELDS, m) + ",")
    lines.append("};")
    lines.append("")
    lines.append(f"constexpr ShapeDef kShapes[{len(gen.shapes)}] = {{")
    for s in gen.shapes:
        record = dict(s)
        record["type"] = "ShapeType::" + s["type"]
        lines.append("    " + initializer(SHAPE_FIELDS, record) + ",")
    lines.append("};")
    lines.append("")
    lines.append(f"constexpr OperationDef kOperations[{len(operations)}] = {{")
    for op in operations:
        record = dict(op)
        fields = []
        for field in OPERATION_FIELDS:
            if field not in record:
                continue
            value = record[field]
            fields.append(f".{field} = {value if value == 'kNoShape' else cpp_value(value)}")
        lines.append("    {" + ", ".join(fields) + "},")
    lines.append("};")
    lines.append("")
    service_fields = {
        "name": service,
        "protocol": meta.get("protocol", ""),
        "api_version": meta.get("apiVersion", ""),
        "target_prefix": meta.get("targetPrefix", ""),
        "json_version": meta.get("jsonVersion", ""),
        "xml_namespace": meta.get("xmlNamespace") or bmeta.get("xmlNamespace") or
                         common_xml_namespace(v2),
        "signing_name": meta.get("signingName") or meta.get("endpointPrefix", service),
        "aws_query_compatible": "awsQueryCompatible" in meta,
    }
    parts = [f".{k} = {cpp_value(v)}" for k, v in service_fields.items()]
    lines.append("const ServiceModel kModel{" + ", ".join(parts) + ",")
    lines.append("                         .shapes = kShapes, .members = kMembers,")
    lines.append("                         .operations = kOperations};")
    lines.append("")
    lines.append("}  // namespace")
    lines.append("")
    lines.append(f"const ServiceModel& {service}_model() {{ return kModel; }}")
    lines.append("")
    lines.append("}  // namespace nimbus::model")
    write_file(out_path, lines)


DIRECTORY_FIELDS = ("id", "service_id", "signing_name", "endpoint_prefix", "target_prefix",
                    "protocol", "json_version", "api_version", "xml_namespace",
                    "aws_query_compatible")


def directory_rows(apis_dir):
    """One row per API id (the file name before its version), from its newest model."""
    newest = {}
    for path in glob.glob(os.path.join(apis_dir, "*.min.json")):
        match = re.fullmatch(r"(.+)-(\d{4}-\d{2}-\d{2})\.min\.json", os.path.basename(path))
        if not match:
            continue
        api_id, version = match.groups()
        if api_id not in newest or version > newest[api_id][0]:
            newest[api_id] = (version, path)
    rows = []
    for api_id in sorted(newest):
        meta = load_json(newest[api_id][1])["metadata"]
        endpoint_prefix = meta.get("endpointPrefix", api_id)
        rows.append({
            "id": api_id,
            "service_id": meta.get("serviceId") or meta.get("serviceAbbreviation") or api_id,
            "signing_name": meta.get("signingName") or endpoint_prefix,
            "endpoint_prefix": endpoint_prefix,
            "target_prefix": meta.get("targetPrefix", ""),
            "protocol": meta.get("protocol", ""),
            "json_version": meta.get("jsonVersion", ""),
            "api_version": meta.get("apiVersion", ""),
            "xml_namespace": meta.get("xmlNamespace", ""),
            "aws_query_compatible": "awsQueryCompatible" in meta,
        })
    return rows


def emit_directory(apis_dir, out_path):
    rows = directory_rows(apis_dir)
    if not rows:
        sys.exit(f"gen_models: no *.min.json models under {apis_dir}")
    lines = [
        "// Generated by tools/gen_models.py --directory from the aws-sdk v2 apis/ models.",
        "// Do not edit.",
        '#include "protocol/service_directory.h"',
        "",
        "namespace nimbus::model {",
        "namespace {",
        "",
        f"constexpr ServiceInfo kServices[{len(rows)}] = {{",
    ]
    for row in rows:
        record = {k: v for k, v in row.items() if v != "" and v is not False}
        lines.append("    " + initializer(DIRECTORY_FIELDS, record) + ",")
    lines += [
        "};",
        "",
        "}  // namespace",
        "",
        "std::span<const ServiceInfo> service_directory() { return kServices; }",
        "",
        "}  // namespace nimbus::model",
    ]
    write_file(out_path, lines)


def write_file(out_path, lines):
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, out_path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--service", choices=sorted(API_VERSIONS))
    what.add_argument("--directory", action="store_true",
                      help="write the directory of every service in --aws-sdk-apis")
    parser.add_argument("--aws-sdk-apis", required=True)
    parser.add_argument("--botocore-data")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.directory:
        emit_directory(args.aws_sdk_apis, args.out)
        return
    if not args.botocore_data:
        parser.error("--service needs --botocore-data")

    version = API_VERSIONS[args.service]
    v2_name = V2_FILE_NAMES.get(args.service, args.service)
    v2_path = os.path.join(args.aws_sdk_apis, f"{v2_name}-{version}.min.json")
    if not os.path.exists(v2_path):
        candidates = glob.glob(os.path.join(args.aws_sdk_apis, f"{v2_name}-*.min.json"))
        sys.exit(f"missing {v2_path} (found: {candidates})")
    v2 = load_json(v2_path)
    boto_path = os.path.join(args.botocore_data, args.service, version, "service-2.json")
    boto = load_json(boto_path) if os.path.exists(boto_path) else None
    if boto is None:
        print(f"gen_models: warning: no botocore overlay at {boto_path}", file=sys.stderr)
    gen, operations = build(args.service, v2, boto)
    emit(args.service, v2, boto, gen, operations, args.out)


if __name__ == "__main__":
    main()
