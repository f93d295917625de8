/* SPDX-License-Identifier: MIT */
/*
 * The HTTPS entry's certificate. Session clients and nodes do not validate
 * node certificates (they authenticate nodes by the onion keys), so a node,
 * like the reference's, serves a self-signed certificate generated at first
 * start into its data directory: <data-dir>/https.key (EC P-256, PEM, mode
 * 0600) and <data-dir>/https.crt (PEM, CN "snode", 10 years). Existing files
 * are used as they are, so an operator may install any certificate there.
 */
#ifndef CTL_HTTP_TLS_H
#define CTL_HTTP_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#define CTL_HTTP_TLS_KEY  "https.key"
#define CTL_HTTP_TLS_CERT "https.crt"

/* Writes a fresh key and self-signed certificate to the two paths. 0 or -1 with err. */
int ctl_http_tls_generate(const char *key_path, const char *cert_path, char *err, size_t errlen);

/* A server context with the data dir's certificate, generated first when either file is
 * missing. NULL with one line in err (naming the file at fault). */
SSL_CTX *ctl_http_tls_ctx(const char *data_dir, char *err, size_t errlen);

#endif
