package skills

import (
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// rolesFile is the interviews service's role catalog. It is read as a file,
// not imported: the services share contracts through proto/, but the skill
// names in the catalog must be this taxonomy's canonical names, and this
// is the package that can tell.
const rolesFile = "../../../interviews/internal/catalog/roles.yaml"

type catalogRole struct {
	ID         string   `yaml:"id"`
	Required   []string `yaml:"required"`
	NiceToHave []string `yaml:"niceToHave"`
}

func loadRoles(t *testing.T) []catalogRole {
	t.Helper()
	data, err := os.ReadFile(rolesFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Roles []catalogRole `yaml:"roles"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse %s: %v", rolesFile, err)
	}
	if len(doc.Roles) == 0 {
		t.Fatalf("%s has no roles", rolesFile)
	}
	return doc.Roles
}

// TestCatalogSkillsAreCanonical fails when a role names a skill the
// taxonomy does not know, or knows only as an alias: an assessment would
// then report the skill missing from every resume.
func TestCatalogSkillsAreCanonical(t *testing.T) {
	tax := Default()
	for _, r := range loadRoles(t) {
		for _, s := range slices.Concat(r.Required, r.NiceToHave) {
			got, ok := tax.Lookup(s)
			switch {
			case !ok:
				t.Errorf("role %s: skill %q is not in the taxonomy", r.ID, s)
			case got.Name != s:
				t.Errorf("role %s: skill %q is an alias; write the canonical %q", r.ID, s, got.Name)
			}
		}
	}
}

// TestFixturesFitTheirRoles is a sanity check of the catalog: each labelled
// resume's skills overlap the skills of the role it was written for more
// than those of any other role.
func TestFixturesFitTheirRoles(t *testing.T) {
	roles := loadRoles(t)
	for _, f := range loadFixtures(t) {
		overlap := map[string]int{}
		for _, r := range roles {
			for _, s := range slices.Concat(r.Required, r.NiceToHave) {
				if slices.Contains(f.Skills, s) {
					overlap[r.ID]++
				}
			}
		}
		want, ok := overlap[f.Role], slices.ContainsFunc(roles, func(r catalogRole) bool { return r.ID == f.Role })
		if !ok {
			t.Errorf("%s: labelled role %q is not in the catalog", f.name, f.Role)
			continue
		}
		for _, r := range roles {
			if r.ID != f.Role && overlap[r.ID] >= want {
				t.Errorf("%s: role %s shares %d labelled skills, its own role %s only %d",
					f.name, r.ID, overlap[r.ID], f.Role, want)
			}
		}
	}
}
