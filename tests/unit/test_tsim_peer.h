/*
 * A scripted initiator-side peer for the target-sim unit tests: the
 * target runs in-process on the same event loop (127.0.0.1, port 0) and
 * the peer talks to it with proto/pdu + proto/iconn.  Every wait is
 * bounded (TPEER_WAIT_MS).
 */
#ifndef TEST_TSIM_PEER_H
#define TEST_TSIM_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "iconn.h"
#include "text.h"
#include "tsim.h"

#define TPEER_WAIT_MS	2000
#define TPEER_QUEUE	512
#define TPEER_TARGET	"iqn.2024-01.org.iscsi-bench:t1"
#define TPEER_INITIATOR	"iqn.2024-01.org.iscsi-bench:peer"

struct tpeer_pdu {
	struct pdu	 p;
	uint8_t		*data;
	uint8_t		 bhs[PDU_BHS_LEN];
	int		 code;		/* enum pdu_status */
};

struct tpeer {
	struct evloop	*loop;
	struct tsim	*t;
	struct iconn	 c;
	int		 connected, closed, close_err;
	struct tpeer_pdu q[TPEER_QUEUE];
	size_t		 qhead, qlen;
	struct tpeer_pdu cur;		/* last tpeer_recv() result */
	uint32_t	 itt, cmdsn, expstatsn;
	uint8_t		 isid[6];
	uint16_t	 tsih, cid;
	bool		 hd, dd;	/* digests in force */
	uint32_t	 mrdsl;		/* what we declare */
	struct text_builder rkeys;	/* every key the target sent at login */
};

/* Target from a scenario text (YAML); NULL on error (reported by CUnit). */
struct tsim	*tpeer_target(struct evloop *loop, const char *yaml);
/* The usual target: TPEER_TARGET with one 16 MiB LUN, plus extra YAML
 * appended under "rules:" (may be NULL). */
struct tsim	*tpeer_target_std(struct evloop *loop, const char *rules_yaml);

int	tpeer_connect(struct tpeer *, struct evloop *, struct tsim *, size_t portal);
void	tpeer_close(struct tpeer *);
/* Run the loop until cond or TPEER_WAIT_MS. */
void	tpeer_run_ms(struct tpeer *, int ms);
/* Next received PDU or NULL after ms (copied: valid until the next call). */
const struct tpeer_pdu *tpeer_recv(struct tpeer *, int ms);
/* Wait for the connection to close (true when it did). */
bool	tpeer_wait_closed(struct tpeer *, int ms);
int	tpeer_send(struct tpeer *, const struct pdu *);
int	tpeer_send_opts(struct tpeer *, const struct pdu *,
	    const struct pdu_digest_opts *);

struct tpeer_login {
	const char	*target;	/* NULL: discovery session */
	const char *const *sec_keys;	/* extra "Key=Value" in security */
	const char *const *op_keys;	/* "Key=Value" in operational */
	bool		 skip_security;
	const char	*user, *secret;	/* CHAP */
	const char	*tuser, *tsecret;	/* mutual CHAP */
	const char	*chap_a;	/* CHAP_A offer, default "5" */
	uint16_t	 tsih;
	uint16_t	 cid;
};

/*
 * Log in.  Returns 0 on success, the login status (class << 8 | detail)
 * of a failure, or -1 when the exchange broke (no answer, bad PDU).
 */
int	tpeer_login(struct tpeer *, const struct tpeer_login *);
/* Value of a key in the login responses, or NULL. */
const char *tpeer_key(struct tpeer *, const char *key);
/* Value of key in one PDU's text, or NULL (static buffer). */
const char *tpeer_text_value(const struct tpeer_pdu *, const char *key);

/* A SCSI Command; returns its ITT. */
uint32_t tpeer_cmd(struct tpeer *, const uint8_t *cdb, uint32_t edtl,
	    bool read, bool write, const uint8_t *imm, uint32_t immlen,
	    bool final, uint16_t lun);
/* READ: collect Data-In into buf until the status; returns the SCSI status
 * or -1; *got bytes received, *resid the residual reported. */
int	tpeer_read(struct tpeer *, const uint8_t *cdb, uint32_t edtl,
	    uint8_t *buf, uint32_t *got, uint32_t *resid);
/* WRITE answering every R2T (no unsolicited Data-Out); SCSI status or -1. */
int	tpeer_write(struct tpeer *, const uint8_t *cdb, const uint8_t *data,
	    uint32_t len, uint32_t immlen);
/* NOP-Out ping (ITT valid) with data; returns its ITT. */
uint32_t tpeer_nop(struct tpeer *, const void *data, uint32_t len);

void	tpeer_destroy(struct tpeer *);

#endif
