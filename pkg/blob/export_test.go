package blob

// SetPageSize makes List and DeletePrefix fetch n keys per request, so tests
// can cross page boundaries with a handful of objects.
func SetPageSize(s *Store, n int32) { s.pageSize = n }
