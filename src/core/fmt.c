/* Bounded formatted output; see fmt.h for what is supported. */
#include "core/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0) {
		out_char(o, c);
	}
}

struct spec {
	bool left;
	bool zero;
	bool alt;
	int width;
};

static void out_field(struct out *o, const struct spec *s, const char *prefix, const char *body,
		      int body_len)
{
	int prefix_len = 0;
	while (prefix[prefix_len] != '\0') {
		prefix_len++;
	}
	int pad = s->width - prefix_len - body_len;

	if (!s->left && !s->zero) {
		out_pad(o, ' ', pad);
	}
	for (int i = 0; i < prefix_len; i++) {
		out_char(o, prefix[i]);
	}
	if (!s->left && s->zero) {
		out_pad(o, '0', pad);
	}
	for (int i = 0; i < body_len; i++) {
		out_char(o, body[i]);
	}
	if (s->left) {
		out_pad(o, ' ', pad);
	}
}

static void out_unsigned(struct out *o, const struct spec *s, uint64_t v, unsigned int base,
			 bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - (size_t)n] = digits[v % base];
		v /= base;
		n++;
	} while (v != 0);
	out_field(o, s, prefix, &tmp[sizeof(tmp) - (size_t)n], n);
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			out_char(&o, *p);
			continue;
		}
		p++;
		struct spec s = {false, false, false, 0};
		for (;; p++) {
			if (*p == '-') {
				s.left = true;
			} else if (*p == '0') {
				s.zero = true;
			} else if (*p == '#') {
				s.alt = true;
			} else {
				break;
			}
		}
		while (*p >= '0' && *p <= '9') {
			if (s.width < 1000) {
				s.width = s.width * 10 + (*p - '0');
			}
			p++;
		}
		int lng = 0;
		while (*p == 'l' || *p == 'z') {
			lng = (*p == 'z') ? 2 : lng + 1;
			p++;
		}

		uint64_t u;
		switch (*p) {
		case '%':
			out_char(&o, '%');
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			out_field(&o, &s, "", &c, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			int len = 0;
			if (str == NULL) {
				str = "(null)";
			}
			while (str[len] != '\0') {
				len++;
			}
			s.zero = false;
			out_field(&o, &s, "", str, len);
			break;
		}
		case 'd':
		case 'i': {
			int64_t v = lng == 0 ? va_arg(ap, int) : va_arg(ap, long long);
			/* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
			u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
			out_unsigned(&o, &s, u, 10, false, v < 0 ? "-" : "");
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			u = lng == 0 ? va_arg(ap, unsigned int) : va_arg(ap, unsigned long long);
			if (*p == 'u') {
				out_unsigned(&o, &s, u, 10, false, "");
			} else {
				out_unsigned(&o, &s, u, 16, *p == 'X',
					     s.alt && u != 0 ? (*p == 'X' ? "0X" : "0x") : "");
			}
			break;
		case 'p':
			u = (uint64_t)(uintptr_t)va_arg(ap, void *);
			out_unsigned(&o, &s, u, 16, false, "0x");
			break;
		case '\0':
			p--; /* a lone '%' at the end: stop cleanly */
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *p);
			break;
		}
	}
	if (size > 0) {
		o.buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
