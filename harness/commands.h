/* iscsi-bench subcommands: each takes argv after the subcommand name. */
#ifndef HARNESS_COMMANDS_H
#define HARNESS_COMMANDS_H

int	cmd_catalog(int argc, char **argv);
int	cmd_crc32c(int argc, char **argv);
int	cmd_run(int argc, char **argv);
int	cmd_netlink(int argc, char **argv);
int	cmd_interop(int argc, char **argv);
int	cmd_replay(int argc, char **argv);

#endif
