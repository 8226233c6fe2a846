# tshark as the oracle for `iscsi-bench analyze` (used by t_analyze_tshark.sh
# and t_analyze_golden.sh; not a test itself).
#
# Counts the iSCSI PDUs tshark decodes in a capture, per opcode.  Only the
# top-level iSCSI layers of each frame count: a Reject carries the header it
# rejects and tshark dissects that header as a nested iSCSI layer, which is
# not a PDU on the wire.  So the PDML output is read and, for every packet,
# each `<proto name="iscsi">` child of the packet gives one PDU and its own
# `iscsi.opcode` field the opcode.  TCP segments out of order are
# reassembled (tcp.reassemble_out_of_order).
import subprocess
import xml.etree.ElementTree as ET

# RFC 7143 11.1.1 opcodes, named as pdu_opcode_name() names them
NAMES = {0x00: "NOP-Out", 0x01: "SCSI Command", 0x02: "TMF Request",
         0x03: "Login Request", 0x04: "Text Request", 0x05: "SCSI Data-Out",
         0x06: "Logout Request", 0x10: "SNACK Request", 0x20: "NOP-In",
         0x21: "SCSI Response", 0x22: "TMF Response", 0x23: "Login Response",
         0x24: "Text Response", 0x25: "SCSI Data-In", 0x26: "Logout Response",
         0x31: "R2T", 0x32: "Async Message", 0x3f: "Reject"}

# Preferences older (and maybe later) tshark releases have for digests;
# tshark 4.0 lists them as obsolete and finds digests itself from the
# HeaderDigest/DataDigest keys of the captured login.
DIGEST_PREFS = {"header": ["iscsi.enable_header_digests:TRUE",
                           "iscsi.header_digest_is_crc32c:TRUE"],
                "data": ["iscsi.enable_data_digests:TRUE",
                         "iscsi.data_digest_is_crc32c:TRUE"]}
_known_prefs = None


def known_prefs():
    """The iscsi.* preference names this tshark accepts."""
    global _known_prefs
    if _known_prefs is None:
        r = subprocess.run(["tshark", "-G", "defaultprefs"],
                           capture_output=True, text=True, timeout=120)
        _known_prefs = set()
        for line in r.stdout.splitlines():
            line = line.lstrip("#").strip()
            if line.startswith("iscsi.") and ":" in line:
                _known_prefs.add(line.split(":", 1)[0])
    return _known_prefs


def digest_options(header, data):
    """-o options that turn digests on, when this tshark has them."""
    opts = []
    for kind, on in (("header", header), ("data", data)):
        if not on:
            continue
        for p in DIGEST_PREFS[kind]:
            if p.split(":", 1)[0] in known_prefs():
                opts += ["-o", p]
    return opts


def analyze_json(bench, path):
    """(document, error): `iscsi-bench analyze --json PATH`."""
    import json
    r = subprocess.run([bench, "analyze", "--json", path],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        return None, f"analyze exited {r.returncode}: {r.stderr.strip()}"
    return json.loads(r.stdout), None


def target_ports(doc):
    """Target ports analyze found besides 3260 (tshark needs -d for them)."""
    return sorted({int(c["target"].rsplit(":", 1)[1])
                   for c in doc["connections"]} - {3260})


def digests_of(doc):
    """(header, data): whether any connection negotiated CRC32C."""
    conns = doc["connections"]
    return (any(c["header_digest"] == "CRC32C" for c in conns),
            any(c["data_digest"] == "CRC32C" for c in conns))


def tshark_counts(path, ports=(), header_digest=False, data_digest=False,
                  digests=None):
    """(counts by opcode name, tshark options used, error).  DIGESTS, a
    dict, gets the digests tshark showed in top-level iSCSI layers:
    header_good, header_bad, data_good, data_bad."""
    if digests is not None:
        for k in ("header_good", "header_bad", "data_good", "data_bad"):
            digests[k] = 0
    # segments a loopback capture has out of order are reassembled (tshark
    # 4.0 leaves them out by default; analyze queues them)
    opts = ["-o", "tcp.reassemble_out_of_order:TRUE"]
    for p in ports:
        opts += ["-d", f"tcp.port=={p},iscsi"]
    opts += digest_options(header_digest, data_digest)
    cmd = ["tshark", "-n", "-r", path] + opts + ["-Y", "iscsi", "-T", "pdml"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    counts = {}
    for _, el in ET.iterparse(p.stdout, events=("end",)):
        if el.tag != "packet":
            continue
        for proto in el.findall("proto"):
            if proto.get("name") != "iscsi":
                continue
            op = None
            for f in proto.findall("field"):
                fname = f.get("name")
                if fname == "iscsi.opcode" and op is None:
                    op = int(f.get("show"), 16) & 0x3f
                elif fname in ("iscsi.headerdigest32", "iscsi.datadigest32") \
                        and digests is not None:
                    kind = "header" if "header" in fname else "data"
                    good = "Good" in (f.get("showname") or "")
                    digests[kind + ("_good" if good else "_bad")] += 1
            name = "no opcode" if op is None else \
                NAMES.get(op, f"opcode 0x{op:02x}")
            counts[name] = counts.get(name, 0) + 1
        el.clear()
    err = p.stderr.read().decode(errors="replace")
    if p.wait() != 0:
        return None, opts, f"tshark exited {p.returncode}: {err.strip()}"
    return counts, opts, None


def digest_diff(doc, hd, dd, dg):
    """tshark must have framed the digests analyze found (it shows them on
    the PDUs) and found the same wrong header digests.  tshark 4.0 shows
    no DataDigest field on a PDU whose data digest is wrong, so wrong data
    digests are checked by expect.json only."""
    bad = []
    hbad = doc["findings_by_check"].get("HEADER_DIGEST", 0)
    if hd and dg["header_good"] == 0:
        bad.append("no good header digest decoded")
    if dg["header_bad"] != hbad:
        bad.append(f"wrong header digests: analyze {hbad}, "
                   f"tshark {dg['header_bad']}")
    if dd and dg["data_good"] == 0:
        bad.append("no good data digest decoded")
    if not hd and dg["header_good"] + dg["header_bad"]:
        bad.append("header digests decoded, analyze found none")
    if not dd and dg["data_good"] + dg["data_bad"]:
        bad.append("data digests decoded, analyze found none")
    return bad


def compare(doc, want):
    """Lines describing where analyze's counts differ from tshark's."""
    out = []
    total = sum(want.values())
    if doc["pdus"] != total:
        out.append(f"PDUs: analyze {doc['pdus']}, tshark {total}")
    for k in sorted(set(want) | set(doc["opcodes"])):
        a, b = doc["opcodes"].get(k, 0), want.get(k, 0)
        if a != b:
            out.append(f"{k}: analyze {a}, tshark {b}")
    return out
