package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/moksho/platform/pkg/config"
)

type sample struct {
	DatabaseURL string        `env:"DATABASE_URL" envDefault:"postgres://app:hunter2@db:5432/app?sslmode=disable"`
	APIKey      string        `env:"API_KEY" secret:"true"`
	Idle        time.Duration `env:"IDLE" envDefault:"30m"`
	Port        int           `env:"PORT" envDefault:"8080"`
	S3          struct {
		Secret string `env:"SECRET" secret:"true"`
		Bucket string `env:"BUCKET" envDefault:"media"`
	} `envPrefix:"S3_"`
}

func TestLoadDefaultsAndOverrides(t *testing.T) {
	cfg, err := config.LoadFrom[sample]("accounts", map[string]string{
		"MOKSHO_ACCOUNTS_PORT":      "9000",
		"MOKSHO_ACCOUNTS_API_KEY":   "sk_live_123",
		"MOKSHO_ACCOUNTS_S3_SECRET": "s3cret",
		"MOKSHO_GATEWAY_PORT":       "1", // another service's setting is ignored
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9000 || cfg.Idle != 30*time.Minute || cfg.APIKey != "sk_live_123" || cfg.S3.Secret != "s3cret" || cfg.S3.Bucket != "media" {
		t.Fatalf("unexpected config: %+v", cfg)
	}
}

func TestLoadRejectsBadValues(t *testing.T) {
	_, err := config.LoadFrom[sample]("accounts", map[string]string{"MOKSHO_ACCOUNTS_IDLE": "soon"})
	if err == nil {
		t.Fatal("want an error for an unparsable duration")
	}
}

func TestRedactedMasksSecrets(t *testing.T) {
	cfg, err := config.LoadFrom[sample]("accounts", map[string]string{
		"MOKSHO_ACCOUNTS_API_KEY":   "sk_live_123",
		"MOKSHO_ACCOUNTS_S3_SECRET": "s3cret",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := config.Redacted(&cfg)
	want := map[string]any{
		"DATABASE_URL": "postgres://app:%2A%2A%2A%2A%2A@db:5432/app?sslmode=disable",
		"API_KEY":      config.Masked,
		"IDLE":         "30m0s",
		"PORT":         "8080",
		"S3_SECRET":    config.Masked,
		"S3_BUCKET":    "media",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for k, v := range got {
		if s, ok := v.(string); ok && (strings.Contains(s, "hunter2") || strings.Contains(s, "sk_live") || strings.Contains(s, "s3cret")) {
			t.Errorf("%s leaks a secret: %q", k, s)
		}
	}
}

func TestPrefix(t *testing.T) {
	if got := config.Prefix("deploy-local"); got != "MOKSHO_DEPLOY_LOCAL_" {
		t.Fatalf("Prefix = %q", got)
	}
}
