#ifndef VIGIL_CCRYPTO_SHIM_H
#define VIGIL_CCRYPTO_SHIM_H
// OpenSSL's libcrypto (Debian 12: libssl-dev, OpenSSL 3.0.x). Only the EVP message-digest API is used,
// by the ContentHash target (SHA-256 of model weights files).
#include <openssl/evp.h>
#endif
