package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// PDFs are read by PDFium, the PDF engine of Chrome, compiled to WebAssembly
// and run by wazero inside this process (github.com/klippa-app/go-pdfium).
// The sandbox is why: PDFium copes with the broken, encrypted and odd PDFs
// that real editors write, and the sandbox bounds what a hostile PDF can do.
// It has no file system mounted (it cannot read or write a file), its stdout
// and stderr are discarded, its memory is capped per instance, and a
// document that takes too long is stopped by closing its instance, which a
// goroutine running a pure-Go parser could not be.
//
// The cost: compiling the module takes ~3 s and ~300 MB of transient memory
// once per process (Warm); each document then gets a fresh instance (~2 ms
// and 20 MB of garbage), so no document can see another user's data left in
// engine memory. A one-page resume takes ~10 ms in all. Compiled WebAssembly
// is not preemptible by the Go scheduler: while an engine call runs, a
// garbage collection of the whole process waits for it (pauses of up to
// ~0.5 s were measured with a pathological PDF), which the deadline bounds.
const (
	// pdfMemoryPages caps each instance's linear memory (64 KiB pages):
	// 256 MiB, far above what text extraction of a 5 MiB file needs.
	pdfMemoryPages = 4096
	// pdfWait bounds the wait for a free instance when all are busy.
	pdfWait = 30 * time.Second
)

// pdfTimeout is how long one PDF may take in the engine, wall clock; past it
// the instance is stopped and the upload refused as too complex. A resume
// takes 10-20 ms, a pathological PDF (millions of operators in a 100 KB
// file) can take minutes. The margin is wide because the clock also runs
// while the process is starved of CPU: on a 2-core machine loaded 3-4x over,
// 10 ms reads were seen taking up to 5 s. A variable so tests can exercise
// the deadline.
var pdfTimeout = 10 * time.Second

// pdfWorkers is how many PDFs are read at once; each holds an instance of up
// to pdfMemoryPages of memory.
var pdfWorkers = min(runtime.GOMAXPROCS(0), 4)

var (
	engineOnce sync.Once
	engine     pdfium.Pool
	engineErr  error
)

// Warm compiles the PDF engine now rather than on the first PDF. It takes
// about 3 s of CPU and ~300 MB of transient memory on a 2-core machine
// (much longer under the race detector); a service calls it at startup,
// before it reports ready. Calling it again is free.
//
// cacheDir, when not empty, keeps the engine's compiled machine code on
// disk between processes, so later starts skip most of the compilation.
// Only the engine's code is cached there, never anything of a document.
// The first call decides; later calls ignore cacheDir.
func Warm(cacheDir string) error {
	engineCacheDir.CompareAndSwap(nil, &cacheDir)
	_, err := pdfPool()
	return err
}

// engineCacheDir is the compilation cache directory Warm was given.
var engineCacheDir atomic.Pointer[string]

func pdfPool() (pdfium.Pool, error) {
	engineOnce.Do(func() {
		rc := wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
			WithCloseOnContextDone(true).
			WithMemoryLimitPages(pdfMemoryPages)
		if dir := engineCacheDir.Load(); dir != nil && *dir != "" {
			// A cache that cannot be opened only costs time: compile anew.
			if cache, err := wazero.NewCompilationCacheWithDir(*dir); err == nil {
				rc = rc.WithCompilationCache(cache)
			}
		}
		engine, engineErr = webassembly.Init(webassembly.Config{
			MinIdle:  0,
			MaxIdle:  pdfWorkers,
			MaxTotal: pdfWorkers,
			// No mounts: PDFium sees no file system at all.
			FSConfig:      wazero.NewFSConfig(),
			Stdout:        io.Discard,
			Stderr:        io.Discard,
			RuntimeConfig: rc,
			// A fresh instance per document: nothing of one upload
			// stays in the memory the next one is read in.
			ReuseWorkers: false,
		})
		if engineErr != nil {
			engineErr = fmt.Errorf("init pdfium: %w", engineErr)
		}
	})
	return engine, engineErr
}

var (
	reasonPDFDamaged = "this PDF is damaged or incomplete; open it in your editor, export the PDF again, and upload the new file (or upload the DOCX)"
	reasonPDFComplex = "this PDF is too complex to read in time; export it again from your editor (as a standard PDF, not \"print as image\"), or upload the DOCX"
)

type pdfResult struct {
	text      string
	pages     int
	truncated bool
}

// extractPDF reads a PDF in its own engine instance under a deadline.
func extractPDF(data []byte) (pdfResult, error) {
	pool, err := pdfPool()
	if err != nil {
		return pdfResult{}, fmt.Errorf("extract: start pdf engine: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), pdfWait)
	inst, err := pool.GetInstanceWithContext(ctx)
	cancel()
	if err != nil {
		return pdfResult{}, fmt.Errorf("extract: wait for pdf engine: %w", err)
	}
	var killed atomic.Bool
	deadline := time.AfterFunc(pdfTimeout, func() {
		killed.Store(true)
		// Closing the instance's context makes the running WebAssembly
		// call return; the pool replaces the instance.
		_ = inst.Kill()
	})
	defer func() {
		// Exactly one of Kill and Close ends the instance.
		if deadline.Stop() {
			_ = inst.Close()
		}
	}()
	res, err := readPDF(inst, data)
	if killed.Load() {
		return pdfResult{}, refuse(KindMalformed, reasonPDFComplex)
	}
	return res, err
}

func readPDF(inst pdfium.Pdfium, data []byte) (pdfResult, error) {
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword):
		return pdfResult{}, refuse(KindEncrypted, "this PDF is password-protected; export or save it again without a password, and upload the new file")
	case errors.Is(err, pdfiumerrors.ErrSecurity):
		return pdfResult{}, refuse(KindEncrypted, "this PDF uses an encryption that cannot be read; export or save it again without a password, and upload the new file")
	case err != nil:
		return pdfResult{}, refuse(KindMalformed, reasonPDFDamaged)
	}
	// A PDF with only an owner password (restricting printing or
	// copying) opens without a password in every viewer and here too: it
	// is the user's own resume, so its text is read.
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return pdfResult{}, refuse(KindMalformed, reasonPDFDamaged)
	}
	res := pdfResult{pages: count.PageCount}
	n := min(count.PageCount, MaxPDFPages)
	res.truncated = count.PageCount > MaxPDFPages
	var b strings.Builder
	budget := MaxTextLen + 1
	read := 0
	for i := range n {
		if i > 0 {
			b.WriteString("\n\n")
		}
		err := pageText(inst, doc.Document, i, &b, &budget)
		if errors.Is(err, errTextFull) {
			res.truncated = true
			read++
			break
		}
		if err == nil {
			read++
		}
		// A page that fails to load is skipped: the others may hold
		// the resume.
	}
	if n > 0 && read == 0 {
		return pdfResult{}, refuse(KindMalformed, reasonPDFDamaged)
	}
	res.text = b.String()
	return res, nil
}

// pdfLine is one line of text as PDFium laid it out, with its vertical
// extent (PDF user space, y grows upwards) and the font size it starts in,
// when PDFium could tell them (boxed).
type pdfLine struct {
	text        []rune
	top, bottom float32
	size        float32
	boxed       bool
}

// pageText appends the lines of one page to b, with a blank line where the
// vertical gap between lines is larger than the page's usual line gap (a new
// paragraph or section) or where the text jumps upwards (a new column).
//
// PDFium orders the characters, inserts spaces between words and breaks
// lines (FPDFText_GetText, what Chrome copies): its text is used as is. The
// geometry is read only for the first and last character of each line, since
// every call into the engine costs about a microsecond.
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, index int, b *strings.Builder, budget *int) error {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: index})
	if err != nil {
		return fmt.Errorf("load page: %w", err)
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return fmt.Errorf("load text page: %w", err)
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	count, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return fmt.Errorf("count chars: %w", err)
	}
	n := min(count.Count, *budget)
	if n <= 0 {
		if count.Count > 0 {
			return errTextFull
		}
		return nil
	}
	text, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: n})
	if err != nil {
		return fmt.Errorf("get text: %w", err)
	}
	runes := []rune(text.Text)
	*budget -= len(runes)
	var lines []pdfLine
	start := 0
	for i := 0; i <= len(runes); i++ {
		if i < len(runes) && runes[i] != '\n' {
			continue
		}
		first, last := -1, -1
		for j := start; j < i; j++ {
			if r := runes[j]; r > ' ' && !unicode.IsSpace(r) {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		if first >= 0 {
			l := pdfLine{text: runes[start:i]}
			lineGeometry(inst, tp.TextPage, &l, first, last)
			lines = append(lines, l)
		}
		start = i + 1
	}
	layoutLines(lines, b)
	if n < count.Count {
		return errTextFull
	}
	return nil
}

// lineGeometry reads the boxes of a line's first and last visible
// characters (by their index in the page text) and the font size of the
// first. A line whose geometry cannot be read stays unboxed: its text is
// kept, only the paragraph judgement around it is skipped.
func lineGeometry(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, l *pdfLine, first, last int) {
	for k, ti := range []int{first, last} {
		if k == 1 && last == first {
			break
		}
		ci, err := inst.FPDFText_GetCharIndexFromTextIndex(&requests.FPDFText_GetCharIndexFromTextIndex{TextPage: tp, NTextIndex: ti})
		if err != nil || ci.CharIndex < 0 {
			l.boxed = false
			return
		}
		box, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp, Index: ci.CharIndex})
		if err != nil {
			l.boxed = false
			return
		}
		if k == 0 {
			size, err := inst.FPDFText_GetFontSize(&requests.FPDFText_GetFontSize{TextPage: tp, Index: ci.CharIndex})
			if err != nil {
				return
			}
			l.top, l.bottom, l.size, l.boxed = box.Rect.Top, box.Rect.Bottom, float32(size.FontSize), true
			continue
		}
		l.top = max(l.top, box.Rect.Top)
		l.bottom = min(l.bottom, box.Rect.Bottom)
	}
}

// layoutLines writes lines to b, one per line, with a blank line before a
// line that starts a new paragraph, judged by the whitespace above it.
func layoutLines(lines []pdfLine, b *strings.Builder) {
	// The usual gap is the median gap between a line and the next one
	// below it; generators differ (from below zero to half a line).
	var gaps []float32
	for i := 1; i < len(lines); i++ {
		a, c := lines[i-1], lines[i]
		if g := a.bottom - c.top; a.boxed && c.boxed && c.top < a.top && g < 2*lineSize(a, c) {
			gaps = append(gaps, g)
		}
	}
	var usual float32
	if len(gaps) > 0 {
		slices.Sort(gaps)
		usual = gaps[len(gaps)/2]
	}
	for i, l := range lines {
		if i > 0 {
			a := lines[i-1]
			b.WriteByte('\n')
			size := lineSize(a, l)
			if a.boxed && l.boxed && (l.top > a.top+size/2 || (a.bottom-l.top)-usual > size/2) {
				b.WriteByte('\n')
			}
		}
		b.WriteString(string(l.text))
	}
}

// lineSize is the font size that judges the gap between two lines: the
// smaller one (body text next to a heading), and never below 1pt so that
// zero-size fonts do not turn every gap into a paragraph break.
func lineSize(a, b pdfLine) float32 {
	s := min(a.size, b.size)
	if s < 1 {
		s = max(a.top-a.bottom, b.top-b.bottom, 1)
	}
	return s
}
