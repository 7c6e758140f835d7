// SPDX-License-Identifier: GPL-2.0-only
/* HMAC-SHA256 for the heartbeat codecs. See wire.h. */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "wire.h"

void hsb_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *data,
		     size_t len, uint8_t out[HSB_HMAC_SHA256_LEN])
{
	static const uint8_t empty[1];
	unsigned int n = HSB_HMAC_SHA256_LEN;

	HMAC(EVP_sha256(), keylen ? key : empty, (int)keylen, data, len, out,
	     &n);
}
