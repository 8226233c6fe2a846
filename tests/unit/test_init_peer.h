/*
 * A scripted fake iSCSI target for the initiator's unit tests, built from
 * proto/pdu, proto/iconn and proto/keys, on the same event loop as the
 * initiator under test: it listens on 127.0.0.1 (a free port), answers
 * logins (AuthMethod None, the operational keys through the negotiation
 * engine as acceptor), SCSI commands on a small RAM disk, NOP-Outs, Text
 * (SendTargets) and Logout.  Knobs and a hook let a test misbehave on
 * purpose.
 */
#ifndef TEST_INIT_PEER_H
#define TEST_INIT_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "evloop.h"
#include "iconn.h"
#include "ini.h"
#include "keys.h"
#include "text.h"
#include "netaddr.h"

#define FPEER_DISK	(256 * 1024)
#define FPEER_BLOCK	512
#define FPEER_TEXT_TTT	0x5eed	/* in our answers to a partial Text Request */

struct fpeer;

/* Return true when the PDU was handled (the default handler is skipped). */
typedef bool fpeer_hook(struct fpeer *, const struct pdu *);

struct fpeer {
	struct evloop	*loop;
	int		 lfd;
	struct evfd	 lh;
	uint16_t	 port;
	struct iconn	 c;
	bool		 live;
	struct keys_local local;
	struct keys_neg	 neg;
	bool		 neg_init;
	uint32_t	 statsn, expcmdsn;
	uint16_t	 tsih_next;
	uint8_t		 disk[FPEER_DISK];
	/* write in progress */
	uint32_t	 w_itt, w_edtl, w_got, w_lba, w_ttt;
	uint64_t	 w_lun;
	bool		 w_active;
	/* knobs */
	uint8_t		 login_class, login_detail;	/* final status */
	const char	*login_extra;		/* appended to the final answer */
	const char	*login_override;	/* "Key=V|..." replaces answers */
	const char	*redirect_to;		/* TargetAddress for class 1 */
	bool		 no_auth_method;	/* security answer without it */
	const char	*auth_answer;		/* AuthMethod answer override */
	bool		 silent_login;		/* never answer a login */
	bool		 close_in_login;
	int32_t		 maxcmdsn_delta;	/* MaxCmdSN = ExpCmdSN + delta */
	bool		 ignore_nops;
	int		 drop_after_cmds;	/* close when the Nth command comes */
	bool		 stop_listening_on_drop;
	uint16_t	 second_port;		/* another SendTargets address */
	bool		 chap;			/* require CHAP (MD5, id 7) */
	const char	*chap_a, *chap_i, *chap_c;	/* answer overrides */
	const char	*chap_r;		/* mutual: CHAP_R override */
	const char	*chap_secret;		/* the initiator must use */
	const char	*mutual_secret;		/* we answer with */
	bool		 chap_ok;		/* last CHAP_R verified */
	char		*chap_offer;		/* CHAP_A the initiator sent */
	uint32_t	 declare_mrdsl;		/* our MaxRecvDSL (0: 65536) */
	fpeer_hook	*hook;
	void		*arg;
	/* requests split with the C bit (RFC 7143 11.10.2, 11.12.2) */
	struct text_accum acc;
	bool		 acc_init;
	int		 login_parts, text_parts;	/* PDUs of each */
	int		 cont_parts;		/* of them with C set */
	int		 bad_parts;		/* C with T / F set, bad TTT */
	uint32_t	 max_part;		/* longest data segment */
	/* what happened */
	int		 accepts, logins, cmds, nop_outs, logouts, texts;
	int		 data_outs, immediate_bytes, unsolicited_bytes;
	uint8_t		 last_isid[6];
	uint16_t	 last_tsih;
	uint32_t	 last_nop_ttt;
};

/* Start listening; 0 or -1. */
int	fpeer_start(struct fpeer *, struct evloop *);
void	fpeer_stop(struct fpeer *);
/* Close the connection now (RST). */
void	fpeer_drop(struct fpeer *);
int	fpeer_send(struct fpeer *, struct pdu *);
/* The StatSN / window fields the next target PDU carries. */
void	fpeer_fill_sn(struct fpeer *, uint32_t *statsn, uint32_t *exp,
	    uint32_t *max);

/* ---- a test environment: loop, node, fake target, captured events ------ */

#define FENV_EVENTS	64
#define FENV_DUMP	512

struct fenv_event {
	unsigned	id;
	uint32_t	status;
	uint8_t		dump[FENV_DUMP];
	size_t		dump_len;
	char		session[EVREC_ID_MAX + 1];
	unsigned	nstrings;
	char		last_string[128];
};

struct fenv {
	struct evloop		*loop;
	struct ini_node		*node;
	struct fpeer		 peer;
	struct ini_config	 cfg;
	struct fenv_event	 ev[FENV_EVENTS];
	size_t			 nev;
};

/* Fast timeouts, no keepalive; cfg may be changed before fenv_node(). */
int	fenv_setup(struct fenv *);
void	fenv_node(struct fenv *);
void	fenv_teardown(struct fenv *);
/* Login to the fake target (DefaultTime2Wait 0 offered). */
uint32_t fenv_login(struct fenv *, struct ini_session **);
uint32_t fenv_login_opts(struct fenv *, const struct ini_login_opts *,
	    struct ini_session **);
/* Last event with this ID, or NULL. */
const struct fenv_event *fenv_event(const struct fenv *, unsigned id);
size_t	fenv_count(const struct fenv *, unsigned id);
/* Additional dump data (from offset 0x28) of an event. */
const uint8_t *fenv_data(const struct fenv_event *, size_t *len);

#endif
