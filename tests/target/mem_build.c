/* FF-A memory descriptors as clients write and read them (see mem_build.h). */
#include "mem_build.h"

#include <string.h>

static void put(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t get(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

uint32_t mb_write(uint8_t *buf, uint32_t version, const struct mb_desc *d)
{
	bool v10 = version < 0x10001U;
	uint32_t emads = v10 ? 32U : 48U, emad = version >= 0x10002U ? 32U : 16U;
	uint32_t comp = emads + d->nrecv * emad;

	memset(buf, 0, comp + (d->nranges != 0 ? 16U + 16U * d->nranges : 0U));
	put(buf, d->sender, 2);
	put(buf + 2, d->attrs, v10 ? 1 : 2);
	put(buf + 4, d->flags, 4);
	put(buf + 8, d->handle, 8);
	put(buf + 16, d->tag, 8);
	put(buf + 28, d->nrecv, 4);
	if (!v10) {
		put(buf + 24, emad, 4);
		put(buf + 32, emads, 4);
	}
	for (unsigned int i = 0; i < d->nrecv; i++) {
		uint8_t *e = buf + emads + i * emad;
		put(e, d->recv[i].id, 2);
		e[2] = d->recv[i].perms;
		e[3] = d->recv[i].flags;
		put(e + 4, d->nranges != 0 ? comp : 0, 4);
	}
	if (d->nranges == 0) {
		return comp;
	}
	uint64_t pages = 0;
	for (unsigned int i = 0; i < d->nranges; i++) {
		put(buf + comp + 16 + 16 * i, d->ranges[i].base, 8);
		put(buf + comp + 16 + 16 * i + 8, d->ranges[i].pages, 4);
		pages += d->ranges[i].pages;
	}
	put(buf + comp, pages, 4);
	put(buf + comp + 4, d->nranges, 4);
	return comp + 16 + 16 * d->nranges;
}

uint32_t mb_relinquish(uint8_t *buf, uint64_t handle, uint32_t flags, uint16_t endpoint)
{
	memset(buf, 0, 18);
	put(buf, handle, 8);
	put(buf + 8, flags, 4);
	put(buf + 12, 1, 4);
	put(buf + 16, endpoint, 2);
	return 18;
}

bool mb_read(const uint8_t *buf, uint32_t len, uint32_t version, struct mb_resp *r)
{
	bool v10 = version < 0x10001U;
	uint32_t emads = v10 ? 32U : (uint32_t)get(buf + 32, 4);

	if (len < 48) {
		return false;
	}
	r->sender = (uint16_t)get(buf, 2);
	r->attrs = (uint16_t)get(buf + 2, v10 ? 1 : 2);
	r->flags = (uint32_t)get(buf + 4, 4);
	r->handle = get(buf + 8, 8);
	r->nrecv = (unsigned int)get(buf + 28, 4);
	if (r->nrecv == 0 || emads + 16 > len) {
		return false;
	}
	r->recv_id = (uint16_t)get(buf + emads, 2);
	r->recv_perms = buf[emads + 2];
	uint32_t comp = (uint32_t)get(buf + emads + 4, 4);
	if (comp + 16 > len) {
		return false;
	}
	r->total_pages = (uint32_t)get(buf + comp, 4);
	r->nranges = (uint32_t)get(buf + comp + 4, 4);
	r->ranges_at = comp + 16;
	return true;
}

struct mb_range mb_range_at(const uint8_t *buf, uint32_t i)
{
	return (struct mb_range){get(buf + 16 * i, 8), (uint32_t)get(buf + 16 * i + 8, 4)};
}
