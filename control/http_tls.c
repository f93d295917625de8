/* SPDX-License-Identifier: MIT */
#include "http_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

enum {
	CERT_DAYS = 3650,
};

static void
ssl_error(char *err, size_t errlen, const char *what)
{
	char buf[160];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	snprintf(err, errlen, "%s: %s", what, buf);
	ERR_clear_error();
}

static X509 *
self_signed(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *name;
	unsigned char serial[8];
	BIGNUM *bn = NULL;
	int ok = 0;

	if (x == NULL)
		return NULL;
	/* a random serial: clients that cache certificates must not mix two nodes' */
	if (RAND_bytes(serial, sizeof(serial)) == 1 &&
	    (bn = BN_bin2bn(serial, sizeof(serial), NULL)) != NULL &&
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL &&
	    X509_set_version(x, 2) == 1 && X509_gmtime_adj(X509_getm_notBefore(x), 0) != NULL &&
	    X509_gmtime_adj(X509_getm_notAfter(x), (long)CERT_DAYS * 86400) != NULL &&
	    X509_set_pubkey(x, key) == 1 && (name = X509_get_subject_name(x)) != NULL &&
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"snode", -1,
				       -1, 0) == 1 &&
	    X509_set_issuer_name(x, name) == 1 && X509_sign(x, key, EVP_sha256()) > 0)
		ok = 1;
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Creates path with mode (refusing to follow or replace an existing file). */
static FILE *
create(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	return fd >= 0 ? fdopen(fd, "w") : NULL;
}

int
ctl_http_tls_generate(const char *key_path, const char *cert_path, char *err, size_t errlen)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = key != NULL ? self_signed(key) : NULL;
	FILE *kf = NULL, *cf = NULL;
	int rc = -1;

	if (x == NULL) {
		ssl_error(err, errlen, "cannot generate the HTTPS certificate");
		goto out;
	}
	if ((kf = create(key_path, 0600)) == NULL) {
		snprintf(err, errlen, "%s: cannot create: %s", key_path, strerror(errno));
		goto out;
	}
	if ((cf = create(cert_path, 0644)) == NULL) {
		snprintf(err, errlen, "%s: cannot create: %s", cert_path, strerror(errno));
		goto out;
	}
	if (PEM_write_PrivateKey(kf, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_X509(cf, x) != 1) {
		ssl_error(err, errlen, "cannot write the HTTPS certificate");
		goto out;
	}
	rc = 0;
out:
	if (kf != NULL && fclose(kf) != 0)
		rc = -1;
	if (cf != NULL && fclose(cf) != 0)
		rc = -1;
	if (rc != 0 && kf != NULL) { /* half a pair would be loaded next time */
		unlink(key_path);
		if (cf != NULL)
			unlink(cert_path);
	}
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

SSL_CTX *
ctl_http_tls_ctx(const char *data_dir, char *err, size_t errlen)
{
	char key[PATH_MAX], cert[PATH_MAX];
	SSL_CTX *ctx;

	snprintf(key, sizeof(key), "%s/%s", data_dir, CTL_HTTP_TLS_KEY);
	snprintf(cert, sizeof(cert), "%s/%s", data_dir, CTL_HTTP_TLS_CERT);
	if ((access(key, F_OK) != 0 || access(cert, F_OK) != 0) &&
	    (access(key, F_OK) == 0 || access(cert, F_OK) == 0)) {
		snprintf(err, errlen, "%s: found without %s: remove it or add the other",
			 access(key, F_OK) == 0 ? key : cert, access(key, F_OK) == 0 ? cert : key);
		return NULL;
	}
	if (access(key, F_OK) != 0 && ctl_http_tls_generate(key, cert, err, errlen) != 0)
		return NULL;
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		ssl_error(err, errlen, "TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		ssl_error(err, errlen, cert);
	} else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		ssl_error(err, errlen, key);
	} else if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "%s does not match %s", key, cert);
	} else {
		return ctx;
	}
	SSL_CTX_free(ctx);
	return NULL;
}
