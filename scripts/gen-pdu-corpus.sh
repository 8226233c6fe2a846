#!/bin/sh
# Regenerate the fuzz_pdu seed corpus (tests/fuzz/corpus/pdu/) from the
# unit-test sample PDUs.  Run from the top of the tree.
set -eu
out=${1:-tests/fuzz/corpus/pdu}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
${CC:-cc} -std=c11 -D_GNU_SOURCE -Iproto -Itests/unit -o "$tmp/gen" \
    tests/fuzz/gen_pdu_corpus.c tests/unit/pdu_samples.c \
    proto/pdu_*.c proto/crc32c.c
"$tmp/gen" "$out"
ls "$out" | wc -l
