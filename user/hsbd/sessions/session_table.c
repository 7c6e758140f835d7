// SPDX-License-Identifier: GPL-2.0-only
/* Session deletes. See session_table.h. */
#include <errno.h>
#include <bpf/bpf.h>

#include "records/record_buf.h"
#include "sessions/session_table.h"

int hsb_session_remove(int fd, struct hsb_record_buf *out,
		       const struct hsb_flow_key *key,
		       const struct hsb_session *sess, uint64_t now)
{
	if (bpf_map_delete_elem(fd, key))
		return -errno;
	hsb_record_buf_session(out, HSB_EV_SESSION_DELETE, key, sess, now);
	return 0;
}
