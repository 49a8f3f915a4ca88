"""SigV4a peer for runtime/tests/sigv4a_botocore.rs: botocore's CRT signer (awscrt).

Reads a JSON list of cases on standard input. Each case is a request (method, url, headers,
body), credentials, a region set, a service, a signing time (seconds since the epoch) and what
our signer produced (`ours`: the public key as an uncompressed SEC1 point in hex, the string to
sign, the DER signature in hex). For each, botocore's `CrtSigV4AsymAuth` signs the request at
that time, and awscrt checks our signature under our public key. Writes a JSON list with, per
case, the headers botocore set (lowercase names) and whether ours verified.

Exit status 3 means botocore or awscrt is missing, so the caller can say which peer is absent.
"""

import datetime
import hashlib
import json
import sys

try:
    import awscrt.crypto
    import botocore.auth  # before botocore.crt.auth, which it imports in turn
    import botocore.crt.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ModuleNotFoundError as e:  # the peer is absent, which the caller reports as such
    print(f"botocore with awscrt is not installed: {e}", file=sys.stderr)
    sys.exit(3)

# SubjectPublicKeyInfo DER prefix of an uncompressed P-256 point (id-ecPublicKey, prime256v1):
# awscrt loads public keys in that form.
P256_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")


def sign(case):
    when = datetime.datetime.fromtimestamp(case["time"], tz=datetime.timezone.utc)
    # The signer reads the clock through this function; pin it to the case's time.
    botocore.crt.auth.get_current_datetime = lambda remove_tzinfo=True: when
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        headers=case["headers"],
        data=case["body"].encode(),
    )
    credentials = Credentials(case["access_key_id"], case["secret_access_key"], case["token"])
    signer = botocore.crt.auth.CrtSigV4AsymAuth(credentials, case["service"], case["region_set"])
    signer.add_auth(request)
    return {k.lower(): v for k, v in request.headers.items()}


def verify_ours(ours):
    key = awscrt.crypto.EC.new_key_from_der_data(P256_SPKI_PREFIX + bytes.fromhex(ours["public_key"]))
    digest = hashlib.sha256(ours["string_to_sign"].encode()).digest()
    return key.verify(digest, bytes.fromhex(ours["signature"]))


def main():
    cases = json.load(sys.stdin)
    results = [{"headers": sign(c), "ours_verified": verify_ours(c["ours"])} for c in cases]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
