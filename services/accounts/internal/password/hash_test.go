package password

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// cheap are parameters weak enough for tests that hash many times; they are
// within decode's bounds, so Verify accepts them.
var cheap = params{memory: 64, time: 1, threads: 1, saltLen: 16, keyLen: 32}

// Vectors produced by the Password Hashing Competition's reference
// implementation (the argon2 command-line tool, 20171227), e.g.
//
//	printf 'correct horse battery staple' | argon2 'moksho-fixed-salt' -id -t 2 -m 10 -p 1 -l 32 -e
//
// They prove that what we store is readable by other argon2 libraries and
// that we read theirs, parameters included.
var referenceVectors = []struct {
	pw, encoded string
	rehash      bool
}{
	{"correct horse battery staple", "$argon2id$v=19$m=1024,t=2,p=1$bW9rc2hvLWZpeGVkLXNhbHQ$bSP/dijm6lICp/2G1oscyEcfAio1df3BDDqBEOIFGGY", true},
	{"Tr4vel-Mumbai-Monsoon", "$argon2id$v=19$m=19456,t=2,p=1$c2l4dGVlbi1ieXRlLXNsdA$oRxiVYn8WuL3ptDK6GGdeKRmwp1SMCGargprH/yk+9A", false},
	{"ख़ुशी से जीना है", "$argon2id$v=19$m=4096,t=3,p=4$dW5pY29kZS1zYWx0LTE2Yg$fsGq3s0z+F0sg6LYO/1Yt2sDD4Zua61IP/y7vTJ9Wws", true},
	{"short", "$argon2id$v=19$m=64,t=1,p=1$ZWlnaHRieXQ$xlmcn8VRuAniduZrCi+54w", true},
}

func TestHashFormat(t *testing.T) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	// 16-byte salt and 32-byte key in unpadded base64: 22 and 43 characters.
	want := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !want.MatchString(h) {
		t.Errorf("Hash = %q, want PHC argon2id with m=19456,t=2,p=1", h)
	}
	if strings.Contains(h, "correct") {
		t.Errorf("Hash = %q contains the password", h)
	}
}

func TestHashIsSalted(t *testing.T) {
	a, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of one password are equal (%q): the salt is not random", a)
	}
	for _, h := range []string{a, b} {
		if ok, rehash, err := Verify("correct horse battery staple", h); !ok || rehash || err != nil {
			t.Errorf("Verify(own hash %q) = %v, %v, %v; want true, false, nil", h, ok, rehash, err)
		}
	}
}

func TestVerify(t *testing.T) {
	const pw = "Tr4vel-Mumbai-Monsoon"
	h, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		try    string
		wantOK bool
	}{
		{"same password", pw, true},
		{"different password", "correct horse battery staple", false},
		{"empty", "", false},
		{"different case", strings.ToLower(pw), false},
		{"trailing space", pw + " ", false},
		{"prefix", pw[:len(pw)-1], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify(tt.try, h)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ok != tt.wantOK {
				t.Errorf("Verify(%q) ok = %v, want %v", tt.try, ok, tt.wantOK)
			}
			if rehash {
				t.Errorf("Verify(%q) needsRehash = true for a hash made with the current parameters", tt.try)
			}
		})
	}
}

func TestVerifyReferenceVectors(t *testing.T) {
	for _, v := range referenceVectors {
		t.Run(v.encoded[:30], func(t *testing.T) {
			ok, rehash, err := Verify(v.pw, v.encoded)
			if err != nil || !ok {
				t.Fatalf("Verify(%q) = %v, %v; want a match", v.pw, ok, err)
			}
			if rehash != v.rehash {
				t.Errorf("needsRehash = %v, want %v", rehash, v.rehash)
			}
			if ok, _, _ := Verify(v.pw+"x", v.encoded); ok {
				t.Errorf("Verify(wrong password) matched")
			}
			p, salt, key, err := decode(v.encoded)
			if err != nil {
				t.Fatal(err)
			}
			if got := encode(p, salt, key); got != v.encoded {
				t.Errorf("re-encoded as %q, want %q", got, v.encoded)
			}
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	const pw = "correct horse battery staple"
	h, err := hashWith(pw, cheap)
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Split(h, "$") // "", alg, v, params, salt, key
	tests := []struct {
		name   string
		modify func(f []string)
	}{
		{"key first char", func(f []string) { f[5] = flip(f[5], 0) }},
		{"key middle char", func(f []string) { f[5] = flip(f[5], 20) }},
		{"salt", func(f []string) { f[4] = flip(f[4], 3) }},
		{"more passes", func(f []string) { f[3] = "m=64,t=2,p=1" }},
		{"more memory", func(f []string) { f[3] = "m=72,t=1,p=1" }},
		{"more lanes", func(f []string) { f[3] = "m=64,t=1,p=2" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := append([]string(nil), fields...)
			tt.modify(f)
			tampered := strings.Join(f, "$")
			if tampered == h {
				t.Fatal("test did not change the hash")
			}
			ok, _, err := Verify(pw, tampered)
			if err != nil {
				t.Fatalf("Verify(%q): %v (want a well-formed mismatch)", tampered, err)
			}
			if ok {
				t.Errorf("Verify accepted tampered hash %q", tampered)
			}
		})
	}
}

// flip changes the base64 character at i to another one (keeping the
// last character's unused bits zero is not needed: i is never the last).
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestVerifyMalformed(t *testing.T) {
	const salt, key = "c2l4dGVlbi1ieXRlLXNsdA", "oRxiVYn8WuL3ptDK6GGdeKRmwp1SMCGargprH/yk+9A"
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"plain text", "Tr4vel-Mumbai-Monsoon"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=19456,t=2,p=1$" + salt + "$" + key},
		{"no leading $", "argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"extra field", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$"},
		{"missing key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt},
		{"params out of order", "$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + key},
		{"extra param", "$argon2id$v=19$m=19456,t=2,p=1,keyid=x$" + salt + "$" + key},
		{"missing param", "$argon2id$v=19$m=19456,t=2$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + key},
		{"sign", "$argon2id$v=19$m=+19456,t=2,p=1$" + salt + "$" + key},
		{"not a number", "$argon2id$v=19$m=lots,t=2,p=1$" + salt + "$" + key},
		{"overflow", "$argon2id$v=19$m=4294967296,t=2,p=1$" + salt + "$" + key},
		{"zero passes", "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key},
		{"too many passes", "$argon2id$v=19$m=19456,t=65,p=1$" + salt + "$" + key},
		{"zero lanes", "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key},
		{"too many lanes", "$argon2id$v=19$m=19456,t=2,p=256$" + salt + "$" + key},
		{"memory below 8 KiB per lane", "$argon2id$v=19$m=31,t=1,p=4$" + salt + "$" + key},
		{"memory over 1 GiB", "$argon2id$v=19$m=1048577,t=1,p=1$" + salt + "$" + key},
		{"padded base64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + key},
		{"url base64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + strings.ReplaceAll(key, "/", "_")},
		{"non-canonical trailing bits", "$argon2id$v=19$m=19456,t=2,p=1$" + salt[:len(salt)-1] + "B$" + key},
		{"salt too short", "$argon2id$v=19$m=19456,t=2,p=1$c2hvcnQ$" + key},
		{"key too short", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$c2hvcnQ"},
		{"newline in key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key[:10] + "\n" + key[10:]},
		{"trailing newline", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "\n"},
		{"carriage return in salt", "$argon2id$v=19$m=19456,t=2,p=1$" + salt[:5] + "\r" + salt[5:] + "$" + key},
		{"empty salt", "$argon2id$v=19$m=19456,t=2,p=1$$" + key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify("Tr4vel-Mumbai-Monsoon", tt.encoded)
			if !errors.Is(err, ErrInvalidHash) {
				t.Errorf("Verify(%q) err = %v, want ErrInvalidHash", tt.encoded, err)
			}
			if ok || rehash {
				t.Errorf("Verify(%q) = %v, %v; want false, false", tt.encoded, ok, rehash)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	tests := []struct {
		name string
		p    params
		want bool
	}{
		{"current", current, false},
		{"less memory", params{memory: current.memory - 1024, time: current.time, threads: 1, saltLen: 16, keyLen: 32}, true},
		{"fewer passes", params{memory: current.memory, time: current.time - 1, threads: 1, saltLen: 16, keyLen: 32}, true},
		{"shorter salt", params{memory: current.memory, time: current.time, threads: 1, saltLen: 8, keyLen: 32}, true},
		{"shorter key", params{memory: current.memory, time: current.time, threads: 1, saltLen: 16, keyLen: 16}, true},
		{"more memory", params{memory: current.memory + 1024, time: current.time, threads: 1, saltLen: 16, keyLen: 32}, false},
		{"more lanes", params{memory: current.memory, time: current.time, threads: 2, saltLen: 16, keyLen: 32}, false},
		{"much weaker", cheap, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := hashWith("correct horse battery staple", tt.p)
			if err != nil {
				t.Fatal(err)
			}
			ok, rehash, err := Verify("correct horse battery staple", h)
			if err != nil || !ok {
				t.Fatalf("Verify(%q) = %v, %v; want a match", h, ok, err)
			}
			if rehash != tt.want {
				t.Errorf("needsRehash = %v, want %v for %q", rehash, tt.want, h)
			}
			if ok, rehash, _ := Verify("wrong password!", h); ok || rehash {
				t.Errorf("wrong password: ok = %v, needsRehash = %v; want false, false", ok, rehash)
			}
		})
	}
}

// FuzzVerify feeds arbitrary strings to the decoder of stored hashes. It must
// never panic, must agree with Verify on what is malformed, and what it
// accepts must be in bounds and re-encode to the same string (so there is
// one spelling per hash). Verify itself runs only for cheap parameters, to
// keep the fuzzer fast.
func FuzzVerify(f *testing.F) {
	for _, v := range referenceVectors {
		f.Add(v.pw, v.encoded)
	}
	f.Add("x", "$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("x", "$argon2id$v=19$m=,t=,p=$A$A")
	f.Add("", "$$$$$")
	f.Fuzz(func(t *testing.T, pw, encoded string) {
		p, salt, key, err := decode(encoded)
		if err != nil {
			if !errors.Is(err, ErrInvalidHash) {
				t.Fatalf("decode(%q) error %v does not wrap ErrInvalidHash", encoded, err)
			}
			if ok, rehash, verr := Verify(pw, encoded); verr == nil || ok || rehash {
				t.Fatalf("Verify(%q) = %v, %v, %v after decode failed", encoded, ok, rehash, verr)
			}
			return
		}
		switch {
		case p.time < 1 || p.time > maxTime,
			p.threads < 1,
			p.memory < minMemory*uint32(p.threads) || p.memory > maxMemory,
			len(salt) < minSaltLen || len(salt) > maxSaltLen,
			len(key) < minKeyLen || len(key) > maxKeyLen:
			t.Fatalf("decode(%q) accepted out-of-bounds %+v", encoded, p)
		}
		if got := encode(p, salt, key); got != encoded {
			t.Fatalf("decode(%q) re-encodes as %q", encoded, got)
		}
		if uint64(p.memory)*uint64(p.time) <= 1024 {
			if _, _, err := Verify(pw, encoded); err != nil {
				t.Fatalf("Verify(%q): %v after decode succeeded", encoded, err)
			}
		}
	})
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _, err := Verify("correct horse battery staple", h); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
