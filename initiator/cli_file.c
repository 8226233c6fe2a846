/*
 * Files of WriteBlocks and ReadBlocks.  Input is read with a bound (a
 * device such as /dev/zero never ends) and read errors are errors, not a
 * short file.  Output goes to a temporary file next to FILE that replaces
 * it only when every byte is written and closed: a failed read or a full
 * disk leaves an existing FILE as it was.  Devices and FIFOs (not regular
 * files) are written in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int
cli_file_load(const char *path, size_t max, uint8_t **data, size_t *len)
{
	struct stat st;
	size_t cap;
	ssize_t n;
	int fd, e;

	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	e = fstat(fd, &st) == -1 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
	if (e != 0) {
		close(fd);
		errno = e;
		return -1;
	}
	cap = max < SIZE_MAX ? max + 1 : max;	/* one more: "too large" */
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < cap)
		cap = (size_t)st.st_size + 1;
	if ((*data = malloc(cap > 0 ? cap : 1)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while (*len < cap) {
		n = read(fd, *data + *len, cap - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			e = errno;
			close(fd);
			free(*data);
			*data = NULL;
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	return 0;
}

int
cli_out_open(struct cli_out *o, const char *path)
{
	struct stat st;
	mode_t mask, mode;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->path = path;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			o->fd = open(path, O_WRONLY | O_CLOEXEC);
			return o->fd == -1 ? -1 : 0;
		}
		/* an existing file keeps its mode (and a symlink its link) */
		if ((o->real = realpath(path, NULL)) == NULL)
			return -1;
		o->path = o->real;
		mode = st.st_mode & 07777;
	} else {
		/* the mode a plain create gives (mkstemp makes 0600) */
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (asprintf(&o->tmp, "%s.XXXXXX", o->path) == -1) {
		o->tmp = NULL;
		errno = ENOMEM;
		cli_out_abort(o);
		return -1;
	}
	if ((o->fd = mkstemp(o->tmp)) == -1) {
		free(o->tmp);
		o->tmp = NULL;
		cli_out_abort(o);
		return -1;
	}
	(void)fchmod(o->fd, mode);
	return 0;
}

void
cli_out_abort(struct cli_out *o)
{
	int e = errno;

	if (o->fd != -1)
		close(o->fd);
	if (o->tmp != NULL)
		unlink(o->tmp);
	free(o->tmp);
	free(o->real);
	o->fd = -1;
	o->tmp = o->real = NULL;
	errno = e;
}

int
cli_out_commit(struct cli_out *o, const void *data, size_t len)
{
	const uint8_t *p = data;
	ssize_t n;
	int fd = o->fd;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto bad;
		p += n;
		len -= (size_t)n;
	}
	o->fd = -1;
	if (close(fd) == -1) {
		fd = -1;
		goto bad;
	}
	if (o->tmp != NULL && rename(o->tmp, o->path) == -1)
		goto bad;
	free(o->tmp);
	free(o->real);
	o->tmp = o->real = NULL;
	return 0;
bad:
	o->fd = fd;
	cli_out_abort(o);
	return -1;
}
