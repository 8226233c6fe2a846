/*
 * Synthetic captures for the analyzer tests: one TCP connection between
 * an initiator and a target, Ethernet/IPv4 frames fed to ana_packet(),
 * PDUs encoded with proto/pdu.
 */
#ifndef TESTS_ANALYZE_FLOW_H
#define TESTS_ANALYZE_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "pdu.h"

#define TF_I	0	/* initiator -> target */
#define TF_T	1	/* target -> initiator */

struct pcapng;

struct tflow {
	struct ana		*a;
	struct pcapng		*out;	/* set: frames go to this file instead */
	uint8_t			 ip[2][4];
	uint16_t		 port[2];
	uint32_t		 seq[2];	/* next sequence number sent */
	double			 t;
	struct pdu_digest_opts	 dig;
	uint32_t		 statsn, cmdsn;
};

/* initiator 10.0.0.1:iport, target 10.0.0.<last>:tport; a may be NULL
 * when the frames go to a file (out) */
void	tflow_init(struct tflow *, struct ana *, uint16_t iport, uint8_t last,
	    uint16_t tport);
/* One frame from side dir; seq as given. */
void	tflow_raw(struct tflow *, int dir, uint8_t flags, uint32_t seq,
	    const uint8_t *data, size_t len);
void	tflow_open(struct tflow *);
/* Bytes at the next sequence number of dir, then advance it. */
void	tflow_send(struct tflow *, int dir, const uint8_t *data, size_t len);
/* Skip len bytes of dir (never captured). */
void	tflow_skip(struct tflow *, int dir, size_t len);
/* Encode p with f->dig into buf (returns length). */
size_t	tflow_encode(struct tflow *, const struct pdu *p, uint8_t *buf,
	    size_t bufsz);
void	tflow_pdu(struct tflow *, int dir, const struct pdu *p);
void	tflow_close(struct tflow *, int first);
/*
 * A one-step login straight to Full Feature Phase: Login Request with
 * ikeys, Login Response with tkeys (";" separates pairs), TSIH 1.
 */
void	tflow_login(struct tflow *, const char *ikeys, const char *tkeys);
/* Keys text with ';' separators -> key=value NUL-separated; returns len. */
size_t	tflow_keys(const char *s, uint8_t *out, size_t outsz);

/* Number of findings of one check. */
size_t	tflow_count(const struct ana *, enum ana_check);
/* First finding of one check, or NULL. */
const struct ana_finding *tflow_find(const struct ana *, enum ana_check);
void	tflow_debug(const struct ana *);

#endif
