// Package password decides which passwords accounts accept and how they are
// stored.
//
// It exists so that the two security-critical rules about passwords live in
// one small, pure package that is easy to review and to test: Check refuses
// passwords an attacker would guess early (too short, common, patterned, or
// built from the user's own name or email), and Hash/Verify store the rest
// only as salted argon2id hashes, so a leaked database does not hand out
// anyone's password. Nothing here does I/O; callers add logging and storage.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrInvalidHash reports a stored hash that Verify cannot use: not a PHC
// argon2id string, an unsupported argon2 version, or parameters out of the
// range this package is willing to compute. A caller should treat it as a
// failed login and log it, since it means a damaged or foreign credential
// row, never a wrong password.
var ErrInvalidHash = errors.New("invalid password hash")

// params are the argon2id cost settings of one hash. They are stored inside
// every encoded hash so that raising the current settings later does not
// invalidate existing hashes: Verify reads them back and reports
// needsRehash for hashes made with weaker ones.
type params struct {
	memory  uint32 // KiB
	time    uint32 // passes over memory
	threads uint8
	saltLen uint32 // bytes
	keyLen  uint32 // bytes
}

// current is what Hash uses today.
//
// m=19456 KiB (19 MiB), t=2, p=1 is the first of OWASP's equivalent argon2id
// configurations (Password Storage Cheat Sheet). We chose it over the 64 MiB
// profiles because of the budget: it takes about 23 ms on one core of a
// 2-core AMD EPYC build machine (64 MiB with t=2 took about 81 ms), and at 19
// MiB per login a burst of concurrent logins does not exhaust a small pod's
// memory. p=1 because each request already runs on its own goroutine; more
// lanes would only let one login use more cores. A 16-byte random salt and a
// 32-byte key are the sizes RFC 9106 recommends.
var current = params{memory: 19 * 1024, time: 2, threads: 1, saltLen: 16, keyLen: 32}

// Bounds on what Verify accepts from an encoded hash. They sit well above
// current, so the settings can be raised for years without touching this,
// and they stop a corrupted or hostile row from making one login allocate
// gigabytes or spin for minutes.
const (
	minMemory  = 8           // KiB; argon2 needs 8 KiB per lane at least
	maxMemory  = 1024 * 1024 // KiB (1 GiB)
	maxTime    = 64
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// b64 is the base64 flavour of the PHC string format: standard alphabet, no
// padding. Strict rejects encodings with non-zero trailing bits, so every
// hash has exactly one valid spelling.
var b64 = base64.RawStdEncoding.Strict()

// Hash returns pw hashed with argon2id under the current parameters and a
// fresh random salt, in the PHC string format
// ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>") that other argon2
// libraries also read, so the stored value is self-describing and portable.
//
// Hash does not apply the password policy; call Check first where a user
// chooses a password.
func Hash(pw string) (string, error) {
	return hashWith(pw, current)
}

func hashWith(pw string, p params) (string, error) {
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("generate salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return encode(p, salt, key), nil
}

// Verify reports whether pw matches encoded, a hash made by Hash (now or
// with older parameters). The comparison is constant-time, so response times
// leak nothing about how much of the hash matched.
//
// needsRehash is true when pw matched but encoded was made with parameters
// weaker than the current ones; the caller should then store a fresh Hash(pw)
// while it still has the plain password, which is the only moment it can.
// err is non-nil (wrapping ErrInvalidHash) only when encoded cannot be
// parsed; a wrong password is ok == false with a nil error.
func Verify(pw, encoded string) (ok bool, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p.weakerThan(current), nil
}

// weakerThan reports whether a hash made with p is cheaper to attack than
// one made with c. Threads are not compared: more lanes do not make a guess
// cost an attacker more work in total.
func (p params) weakerThan(c params) bool {
	return p.memory < c.memory || p.time < c.time || p.saltLen < c.saltLen || p.keyLen < c.keyLen
}

func encode(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC argon2id string strictly: exactly the fields encode
// writes, in that order, in canonical form, with values inside the bounds
// above. Anything else is an error wrapping ErrInvalidHash, never a panic,
// because the input comes from a database row that may be damaged.
func decode(encoded string) (params, []byte, []byte, error) {
	fail := func(format string, args ...any) (params, []byte, []byte, error) {
		return params{}, nil, nil, fmt.Errorf("%w: "+format, append([]any{ErrInvalidHash}, args...)...)
	}
	fields := strings.Split(encoded, "$")
	if len(fields) != 6 || fields[0] != "" {
		return fail("want 5 $-separated fields")
	}
	if fields[1] != "argon2id" {
		return fail("algorithm %q is not argon2id", fields[1])
	}
	v, ok := strings.CutPrefix(fields[2], "v=")
	if !ok {
		return fail("missing version")
	}
	version, err := parseDecimal(v)
	if err != nil {
		return fail("version: %v", err)
	}
	if version != argon2.Version {
		return fail("unsupported argon2 version %d", version)
	}

	var p params
	kv := strings.Split(fields[3], ",")
	if len(kv) != 3 {
		return fail("want parameters m,t,p")
	}
	for i, name := range []string{"m", "t", "p"} {
		val, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return fail("parameter %d is not %s", i+1, name)
		}
		n, err := parseDecimal(val)
		if err != nil {
			return fail("parameter %s: %v", name, err)
		}
		switch name {
		case "m":
			p.memory = n
		case "t":
			p.time = n
		case "p":
			if n < 1 || n > 255 {
				return fail("parallelism %d out of range 1..255", n)
			}
			p.threads = uint8(n)
		}
	}
	if p.time < 1 || p.time > maxTime {
		return fail("time %d out of range 1..%d", p.time, maxTime)
	}
	if p.memory < minMemory*uint32(p.threads) || p.memory > maxMemory {
		return fail("memory %d KiB out of range %d..%d for p=%d", p.memory, minMemory*uint32(p.threads), maxMemory, p.threads)
	}

	// The decoder skips \r and \n even in strict mode; refuse them (and
	// anything else outside the alphabet) first so each hash has one spelling.
	for i, f := range fields[4:] {
		if j := strings.IndexFunc(f, notBase64); j >= 0 {
			return fail("%s: byte %q at %d is not base64", []string{"salt", "hash"}[i], f[j], j)
		}
	}
	salt, err := b64.DecodeString(fields[4])
	if err != nil {
		return fail("salt: %v", err)
	}
	if len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return fail("salt length %d out of range %d..%d", len(salt), minSaltLen, maxSaltLen)
	}
	key, err := b64.DecodeString(fields[5])
	if err != nil {
		return fail("hash: %v", err)
	}
	if len(key) < minKeyLen || len(key) > maxKeyLen {
		return fail("hash length %d out of range %d..%d", len(key), minKeyLen, maxKeyLen)
	}
	p.saltLen, p.keyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

func notBase64(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '+' || r == '/')
}

// parseDecimal accepts only canonical unsigned decimals ("0", "19456"), so
// that a parsed hash re-encodes to the same string.
func parseDecimal(s string) (uint32, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("%q is not a canonical decimal", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a decimal", s)
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("parse %q: %w", s, err)
	}
	return uint32(n), nil
}
