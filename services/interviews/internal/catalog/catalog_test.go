package catalog

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// wantIDs are the roles clients and fixtures rely on; an ID is never
// renamed once published.
var wantIDs = []string{
	"backend-engineer", "frontend-engineer", "fullstack-engineer", "mobile-engineer",
	"data-scientist", "data-analyst", "ml-engineer", "devops-engineer", "qa-engineer",
	"security-engineer", "product-manager", "project-manager", "ux-designer",
	"business-analyst", "account-executive", "customer-support", "marketing-manager",
	"registered-nurse", "financial-analyst", "hr-recruiter",
}

func TestDefaultHasEveryRole(t *testing.T) {
	c := Default()
	var got []string
	for _, r := range c.All() {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, wantIDs) {
		t.Errorf("IDs in file order:\n got %v\nwant %v", got, wantIDs)
	}
	for _, id := range wantIDs {
		r, ok := c.Get(id)
		if !ok || r.ID != id {
			t.Errorf("Get(%q) = %q, %v", id, r.ID, ok)
		}
	}
	if _, ok := c.Get("astronaut"); ok {
		t.Error(`Get("astronaut") found a role`)
	}
	if r, _ := c.Get("devops-engineer"); r.Title != "DevOps / Site Reliability Engineer" {
		t.Errorf("devops-engineer title = %q", r.Title)
	}
}

// TestDefaultRolesAreWellFormed holds the catalog to its editorial rules:
// enough skills to assess against but not a wish list, a handful of
// competencies, and a title alias to recognise resumes by.
func TestDefaultRolesAreWellFormed(t *testing.T) {
	for _, r := range Default().All() {
		if n := len(r.Required); n < 6 || n > 10 {
			t.Errorf("%s: %d required skills, want 6-10", r.ID, n)
		}
		if n := len(r.NiceToHave); n < 5 || n > 10 {
			t.Errorf("%s: %d nice-to-have skills, want 5-10", r.ID, n)
		}
		if n := len(r.Competencies); n < 4 || n > 7 {
			t.Errorf("%s: %d competencies, want 4-7", r.ID, n)
		}
		if len(r.TitleAliases) == 0 {
			t.Errorf("%s: no title aliases", r.ID)
		}
		if r.Seniority.Senior.Min == 0 {
			t.Errorf("%s: no seniority", r.ID)
		}
	}
}

func TestAllIsACopy(t *testing.T) {
	c := Default()
	all := c.All()
	all[0] = Role{ID: "changed"}
	if c.All()[0].ID == "changed" {
		t.Error("All exposes the catalog's own slice")
	}
}

func TestSeniorityLevel(t *testing.T) {
	s := Seniority{Junior: Years{0, 2}, Mid: Years{3, 5}, Senior: Years{6, -1}}
	for _, tc := range []struct {
		years float64
		want  string
	}{
		{0, "junior"}, {2, "junior"}, {2.9, "junior"}, {3, "mid"}, {5.5, "mid"}, {6, "senior"}, {25, "senior"},
	} {
		if got := s.Level(tc.years); got != tc.want {
			t.Errorf("Level(%v) = %q, want %q", tc.years, got, tc.want)
		}
	}
	r, _ := Default().Get("registered-nurse")
	if got := r.Seniority.Level(5); got != "senior" {
		t.Errorf("a nurse with 5 years is %q, want senior", got)
	}
}

const goodRole = `
  - id: %ID%
    title: Backend Engineer
    summary: Builds services.
    family: engineering
    required: [Go, SQL]
    niceToHave: [Kafka]
    competencies: [ownership]
    seniorityYears: {junior: 0-2, mid: 3-5, senior: 6+}
`

func file(roles ...string) fstest.MapFS {
	return fstest.MapFS{File: {Data: []byte("roles:\n" + strings.Join(roles, ""))}}
}

func role(id string, replace ...string) string {
	s := strings.ReplaceAll(goodRole, "%ID%", id)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			panic("test role has no " + replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return s
}

func TestLoadValidates(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string // "" means it loads
	}{
		{"valid", file(role("a"), role("b-2")), ""},
		{"duplicate id", file(role("a"), role("a")), `duplicate id "a"`},
		{"upper-case id", file(role("Backend")), "slug"},
		{"id with space", file(role("backend engineer")), "slug"},
		{"id with trailing hyphen", file(role("backend-")), "slug"},
		{"empty required", file(role("a", "required: [Go, SQL]", "required: []")), "no required skills"},
		{"missing required", file(role("a", "    required: [Go, SQL]\n", "")), "no required skills"},
		{"no competencies", file(role("a", "competencies: [ownership]", "competencies: []")), "no competencies"},
		{"unknown competency", file(role("a", "[ownership]", "[bravery]")), `unknown competency "bravery"`},
		{"unknown family", file(role("a", "family: engineering", "family: space")), `unknown family "space"`},
		{"empty title", file(role("a", "title: Backend Engineer", "title: ''")), "empty title"},
		{"skill twice", file(role("a", "niceToHave: [Kafka]", "niceToHave: [go]")), `"go" listed twice`},
		{"unknown key", file(role("a", "family:", "familly: x\n    family:")), "familly"},
		{"seniority gap", file(role("a", "mid: 3-5", "mid: 4-5")), "seniorityYears"},
		{"seniority not from 0", file(role("a", "junior: 0-2", "junior: 1-2")), "start at 0"},
		{"seniority missing", file(role("a", "{junior: 0-2, mid: 3-5, senior: 6+}", "{junior: 0-2, mid: 3-5}")), "missing senior"},
		{"seniority bad range", file(role("a", "senior: 6+", "senior: lots")), "bad range"},
		{"no roles", file(), "no roles"},
		{"no file", fstest.MapFS{}, "read roles.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.fsys)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tc.wantErr == "" && len(c.All()) == 0:
				t.Fatal("Load returned no roles")
			case tc.wantErr != "" && err == nil:
				t.Fatalf("Load accepted the file, want error containing %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("Load error %q, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestGetByTitleOrAlias(t *testing.T) {
	c := Default()
	for ref, want := range map[string]string{
		"backend-engineer":    "backend-engineer",
		"Backend Engineer":    "backend-engineer",
		"  BACKEND_ENGINEER ": "backend-engineer",
		"full stack engineer": "fullstack-engineer",
		"Full-stack Engineer": "fullstack-engineer",
		"registered nurse":    "registered-nurse",
		"":                    "",
		"engineer":            "",
		"backend":             "",
	} {
		r, ok := c.Get(ref)
		if ok != (want != "") || r.ID != want {
			t.Errorf("Get(%q) = %q, %v; want %q", ref, r.ID, ok, want)
		}
	}
	// Every alias either finds its own role or is shared and finds none.
	for _, r := range c.All() {
		for _, a := range r.TitleAliases {
			if got, ok := c.Get(a); ok && got.ID != r.ID {
				if _, own := c.Get(got.Title); !own {
					t.Errorf("alias %q of %s finds %s", a, r.ID, got.ID)
				}
			}
		}
	}
}

func TestSharedAliasFindsNoRole(t *testing.T) {
	c, err := Load(file(
		role("a", "title: Backend Engineer", "title: Alpha\n    titleAliases: [Platform Engineer, Only A]"),
		role("b", "title: Backend Engineer", "title: Beta\n    titleAliases: [Platform Engineer, alpha]")))
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := c.Get("platform engineer"); ok {
		t.Fatalf("a title alias two roles share found %s", r.ID)
	}
	if r, _ := c.Get("only a"); r.ID != "a" {
		t.Fatalf("Get(only a) = %q, want a", r.ID)
	}
	if r, _ := c.Get("Alpha"); r.ID != "a" {
		t.Fatalf("a title must win over another role's alias: Get(Alpha) = %q", r.ID)
	}
	// Two roles with one title: the title finds neither, the IDs still work.
	c, err = Load(file(role("a"), role("b")))
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := c.Get("Backend Engineer"); ok {
		t.Fatalf("a title two roles share found %s", r.ID)
	}
	if r, ok := c.Get("b"); !ok || r.ID != "b" {
		t.Fatalf("Get(b) = %q, %v", r.ID, ok)
	}
}
