// Package config loads a service's settings from environment variables named
// MOKSHO_<SERVICE>_<SETTING>, with defaults declared on the struct, and renders
// them for the start-up log with secrets masked.
//
// A config struct uses caarlos0/env tags:
//
//	type Config struct {
//		DatabaseURL string        `env:"DATABASE_URL" envDefault:"postgres://..." secret:"true"`
//		IdleTimeout time.Duration `env:"SESSION_IDLE_TIMEOUT" envDefault:"30m"`
//	}
//
// Fields tagged secret:"true" are masked by Redacted; URL-shaped values have
// their password masked whatever their tag, so a DSN cannot leak by accident.
package config

import (
	"fmt"
	"net/url"
	"os"
	"reflect"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Prefix returns the environment prefix of a service: "accounts" gives
// "MOKSHO_ACCOUNTS_".
func Prefix(service string) string {
	s := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(service))
	return "MOKSHO_" + s + "_"
}

// Load fills a T from the process environment under the service's prefix.
func Load[T any](service string) (T, error) {
	return LoadFrom[T](service, envMap(os.Environ()))
}

// LoadFrom fills a T from the given environment, which lets tests and the
// local all-in-one deployment configure services without touching os.Environ.
func LoadFrom[T any](service string, environ map[string]string) (T, error) {
	var cfg T
	err := env.ParseWithOptions(&cfg, env.Options{
		Prefix:      Prefix(service),
		Environment: environ,
	})
	if err != nil {
		return cfg, fmt.Errorf("load %s config: %w", service, err)
	}
	return cfg, nil
}

func envMap(kv []string) map[string]string {
	m := make(map[string]string, len(kv))
	for _, e := range kv {
		if k, v, ok := strings.Cut(e, "="); ok {
			m[k] = v
		}
	}
	return m
}

// Masked is what a secret is rendered as.
const Masked = "*****"

// Redacted renders a config struct (or pointer to one) as a map from each
// field's environment name to its value, ready for slog. Secrets are masked,
// and passwords inside URLs are masked too. Nested structs are flattened
// with their own env prefix, as caarlos0/env reads them.
func Redacted(cfg any) map[string]any {
	out := map[string]any{}
	v := reflect.ValueOf(cfg)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return out
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return out
	}
	redactInto(out, "", v)
	return out
}

func redactInto(out map[string]any, prefix string, v reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if fv.Kind() == reflect.Struct && f.Type.PkgPath() != "time" {
			redactInto(out, prefix+f.Tag.Get("envPrefix"), fv)
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		key := prefix + name
		switch {
		case f.Tag.Get("secret") == "true":
			if fv.IsZero() {
				out[key] = ""
			} else {
				out[key] = Masked
			}
		default:
			out[key] = maskURL(fmt.Sprint(fv.Interface()))
		}
	}
}

// maskURL masks the password of a URL with user info; other strings pass.
func maskURL(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), Masked)
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", Masked)
		u.RawQuery = q.Encode()
	}
	return u.String()
}
