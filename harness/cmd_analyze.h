/* iscsi-bench analyze: decode and check a capture (docs/analyze.md). */
#ifndef HARNESS_CMD_ANALYZE_H
#define HARNESS_CMD_ANALYZE_H

int	cmd_analyze(int argc, char **argv);

#endif
