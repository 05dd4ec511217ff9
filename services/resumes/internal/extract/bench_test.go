package extract

import (
	"errors"
	"testing"
)

func benchmarkExtract(b *testing.B, data []byte, filename string) {
	if err := Warm(testCacheDir()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(data, filename, ""); err != nil {
			b.Fatalf("kind %q", kindOf(err))
		}
	}
}

// BenchmarkExtractPDF reads a one-page LibreOffice resume with embedded
// TrueType subsets (the common case), in a fresh PDFium instance each time.
func BenchmarkExtractPDF(b *testing.B) {
	benchmarkExtract(b, readFixture(b, "backend-go.pdf"), "cv.pdf")
}

// BenchmarkExtractPDF2Pages reads a two-page resume (standard fonts).
func BenchmarkExtractPDF2Pages(b *testing.B) {
	page := pdfPage{}
	for range 45 {
		page = append(page, "Designed a Go ledger service handling 12,000 transactions per second")
	}
	benchmarkExtract(b, makePDF(b, pdfSpec{pages: []pdfPage{page, page}}), "cv.pdf")
}

func BenchmarkExtractDOCX(b *testing.B) {
	benchmarkExtract(b, readFixture(b, "backend-go.docx"), "cv.docx")
}

func BenchmarkExtractTXT(b *testing.B) {
	benchmarkExtract(b, readFixture(b, "product-manager.txt"), "cv.txt")
}

// BenchmarkExtractPDFParallel shows throughput with all pdfWorkers busy.
func BenchmarkExtractPDFParallel(b *testing.B) {
	data := readFixture(b, "backend-go.pdf")
	if err := Warm(testCacheDir()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := Extract(data, "cv.pdf", ""); err != nil {
				var e *Error
				if errors.As(err, &e) {
					b.Errorf("kind %q: %s", e.Kind, e.Reason)
				} else {
					b.Errorf("engine: %v", err)
				}
				return
			}
		}
	})
}
