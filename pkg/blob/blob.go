// Package blob stores opaque binary objects (answer recordings, certificate
// videos, export archives) in S3 or anything that speaks its API (MinIO,
// the in-process fake in pkg/blob/fakes3), through one small Store type, so
// services depend on a handful of methods rather than on the AWS SDK.
//
// Object keys must be opaque identifiers, such as
// "answers/<user-id>/<answer-id>.webm", and must never carry personal data
// (no names, emails or file names chosen by a user): keys show up in S3
// access logs, in presigned URLs handed to browsers, in listings and in
// error messages, none of which are covered by erasure. Prefixing keys with
// the owning user's ID is what makes DeletePrefix usable for erasure.
//
// The bucket must not have versioning enabled: deleting an object in a
// versioned bucket keeps its old versions, which would defeat erasure and
// retention.
package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// ErrNotFound is returned, wrapped, when the object asked for does not
// exist. Test for it with errors.Is.
var ErrNotFound = errors.New("blob: object not found")

// DefaultPresignTTL is how long a presigned URL stays valid when neither the
// call nor Config says otherwise: long enough to start playing a video,
// short enough that a leaked link soon stops working.
const DefaultPresignTTL = 15 * time.Minute

// maxPresignTTL is the longest validity S3 accepts for a SigV4 presigned URL.
const maxPresignTTL = 7 * 24 * time.Hour

// maxKeyLen is S3's limit on the UTF-8 length of an object key.
const maxKeyLen = 1024

// Config says where the objects live. Production normally sets only
// Bucket and Region and lets credentials come from the environment (IAM
// role, AWS_* variables); the local deployment and tests set Endpoint,
// static credentials and UsePathStyle.
type Config struct {
	// Endpoint overrides the S3 endpoint URL, for MinIO or the in-process
	// fake ("http://127.0.0.1:9000"). Empty means AWS S3.
	Endpoint string `env:"ENDPOINT"`
	// Region of the bucket. Empty means the AWS default chain's region, or
	// us-east-1 when that has none either.
	Region string `env:"REGION"`
	// AccessKeyID and SecretAccessKey are static credentials. Both empty
	// means the AWS default credential chain.
	AccessKeyID     string `env:"ACCESS_KEY_ID"`
	SecretAccessKey string `env:"SECRET_ACCESS_KEY" secret:"true"`
	// Bucket holds every object of this Store. Required.
	Bucket string `env:"BUCKET"`
	// UsePathStyle addresses objects as endpoint/bucket/key rather than
	// bucket.endpoint/key, which MinIO and the fake need.
	UsePathStyle bool `env:"USE_PATH_STYLE"`
	// PresignTTL is the default validity of presigned URLs; zero means
	// DefaultPresignTTL.
	PresignTTL time.Duration `env:"PRESIGN_TTL"`
}

// LogValue lets a service log its configuration at start without leaking
// the secret key.
func (c Config) LogValue() slog.Value {
	secret := ""
	if c.SecretAccessKey != "" {
		secret = "********"
	}
	return slog.GroupValue(
		slog.String("endpoint", c.Endpoint),
		slog.String("region", c.Region),
		slog.String("access_key_id", c.AccessKeyID),
		slog.String("secret_access_key", secret),
		slog.String("bucket", c.Bucket),
		slog.Bool("use_path_style", c.UsePathStyle),
		slog.Duration("presign_ttl", c.PresignTTL),
	)
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key          string
	Size         int64
	ContentType  string // empty in List results: S3 does not list it
	ETag         string
	LastModified time.Time
}

// Store reads and writes the objects of one bucket. It is safe for
// concurrent use.
type Store struct {
	client     *s3.Client
	presign    *s3.PresignClient
	bucket     string
	presignTTL time.Duration
	pageSize   int32 // keys per List/DeletePrefix page; 0 means S3's 1000
}

// New returns a Store for cfg. It does not contact S3; call EnsureBucket
// at start to fail fast on a wrong endpoint or missing permissions.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("blob config: bucket is required")
	}
	if (cfg.AccessKeyID == "") != (cfg.SecretAccessKey == "") {
		return nil, errors.New("blob config: access key ID and secret access key must be set together")
	}
	if cfg.PresignTTL < 0 || cfg.PresignTTL > maxPresignTTL {
		return nil, fmt.Errorf("blob config: presign TTL %v is outside (0, %v]", cfg.PresignTTL, maxPresignTTL)
	}

	var loadOpts []func(*awsconfig.LoadOptions) error
	if cfg.Region != "" {
		loadOpts = append(loadOpts, awsconfig.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" {
		loadOpts = append(loadOpts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, "")))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}

	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.UsePathStyle
		// Stores without checksums (MinIO, the in-process fake) would make
		// the SDK print a debug line on every download.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	ttl := cfg.PresignTTL
	if ttl == 0 {
		ttl = DefaultPresignTTL
	}
	return &Store{
		client:     client,
		presign:    s3.NewPresignClient(client),
		bucket:     cfg.Bucket,
		presignTTL: ttl,
	}, nil
}

// EnsureBucket creates the bucket if it does not exist yet. The local
// deployment and tests rely on it; in production the bucket is normally
// provisioned beforehand, and EnsureBucket then only proves access.
func (s *Store) EnsureBucket(ctx context.Context) error {
	_, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
	if err == nil {
		return nil
	}
	if !isNotFound(err) {
		return fmt.Errorf("check bucket %s: %w", s.bucket, err)
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}
	if region := s.client.Options().Region; region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(region),
		}
	}
	_, err = s.client.CreateBucket(ctx, in)
	var owned *types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("create bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Put stores body under key, replacing any object already there. It
// streams: a body larger than one part goes up as a multipart upload, one
// part at a time, so memory holds a single part (5 MiB, or size/10,000 for
// objects over about 48 GiB) whatever the object's size. If the upload
// fails or ctx ends midway, the parts already sent are discarded and no
// object is stored.
//
// size is the exact length of body, or -1 when unknown (then at most
// 10,000 parts of 5 MiB, about 48 GiB). A known size makes a body that ends
// early or runs long an ErrSizeMismatch, so a truncated upload is never
// stored as if it were complete.
func (s *Store) Put(ctx context.Context, key string, body io.Reader, size int64, contentType string) error {
	if err := validKey(key); err != nil {
		return err
	}
	partSize := int64(minPartSize)
	if size >= 0 {
		body = &exactReader{r: body, remaining: size}
		partSize = max(partSize, partSizeFor(size))
	}
	first, err := io.ReadAll(io.LimitReader(body, partSize))
	if err != nil {
		return fmt.Errorf("put object %s: read body: %w", key, err)
	}
	if int64(len(first)) < partSize {
		if err := s.putSingle(ctx, key, first, contentType); err != nil {
			return fmt.Errorf("put object %s: %w", key, err)
		}
		return nil
	}
	if err := s.putMultipart(ctx, key, body, first, contentType); err != nil {
		return fmt.Errorf("put object %s: %w", key, err)
	}
	return nil
}

// minPartSize is S3's smallest allowed part (except the last).
const minPartSize = 5 << 20

// maxUploadParts is S3's limit on the parts of one multipart upload.
const maxUploadParts = 10_000

// partSizeFor returns the smallest part size that uploads size bytes in at
// most maxUploadParts parts.
func partSizeFor(size int64) int64 {
	return (size + maxUploadParts - 1) / maxUploadParts
}

func (s *Store) putSingle(ctx context.Context, key string, data []byte, contentType string) error {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	_, err := s.client.PutObject(ctx, in)
	return err
}

// putMultipart uploads first, then the rest of body in parts of len(first)
// bytes, reusing first's memory for each part.
func (s *Store) putMultipart(ctx context.Context, key string, body io.Reader, first []byte, contentType string) error {
	in := &s3.CreateMultipartUploadInput{
		Bucket:            aws.String(s.bucket),
		Key:               aws.String(key),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	created, err := s.client.CreateMultipartUpload(ctx, in)
	if err != nil {
		return fmt.Errorf("start multipart upload: %w", err)
	}
	uploadID := created.UploadId

	buf, data := first, first
	var parts []types.CompletedPart
	for num := int32(1); ; num++ {
		if num > maxUploadParts {
			return s.abort(ctx, key, uploadID, fmt.Errorf("body needs more than %d parts of %d bytes", maxUploadParts, len(buf)))
		}
		out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket:            aws.String(s.bucket),
			Key:               aws.String(key),
			UploadId:          uploadID,
			PartNumber:        aws.Int32(num),
			Body:              bytes.NewReader(data),
			ContentLength:     aws.Int64(int64(len(data))),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
		})
		if err != nil {
			return s.abort(ctx, key, uploadID, fmt.Errorf("upload part %d: %w", num, err))
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(num), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})

		n, err := io.ReadFull(body, buf)
		if errors.Is(err, io.EOF) { // nothing left: ReadFull read no byte
			break
		}
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) { // ErrUnexpectedEOF: a short last part
			return s.abort(ctx, key, uploadID, fmt.Errorf("read body: %w", err))
		}
		data = buf[:n]
	}

	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(s.bucket),
		Key:             aws.String(key),
		UploadId:        uploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return s.abort(ctx, key, uploadID, fmt.Errorf("complete multipart upload: %w", err))
	}
	return nil
}

// abort discards a failed multipart upload's parts, which S3 would
// otherwise keep (and bill) indefinitely. It runs even when ctx has ended,
// since a cancelled upload is the common reason to get here.
func (s *Store) abort(ctx context.Context, key string, uploadID *string, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket:   aws.String(s.bucket),
		Key:      aws.String(key),
		UploadId: uploadID,
	})
	if err != nil {
		return fmt.Errorf("%w (abort multipart upload %s: %v)", cause, aws.ToString(uploadID), err)
	}
	return cause
}

// ErrSizeMismatch is returned, wrapped, by Put when the body's length
// differs from the size the caller declared.
var ErrSizeMismatch = errors.New("blob: body length differs from declared size")

// exactReader yields exactly remaining bytes of r and fails if r has fewer
// or more.
type exactReader struct {
	r         io.Reader
	remaining int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.remaining == 0 {
		var one [1]byte
		n, err := io.ReadFull(e.r, one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w: body is longer", ErrSizeMismatch)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		return 0, io.EOF
	}
	if int64(len(p)) > e.remaining {
		p = p[:e.remaining]
	}
	n, err := e.r.Read(p)
	e.remaining -= int64(n)
	if errors.Is(err, io.EOF) {
		if e.remaining > 0 {
			return n, fmt.Errorf("%w: body is %d bytes short", ErrSizeMismatch, e.remaining)
		}
		err = nil
	}
	return n, err
}

// Get opens the object under key. The caller must close the reader, which
// streams from S3 as it is read. A missing object is ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error) {
	if err := validKey(key); err != nil {
		return nil, ObjectInfo{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("get object %s: %w", key, mapErr(err))
	}
	info := ObjectInfo{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		ContentType:  aws.ToString(out.ContentType),
		ETag:         aws.ToString(out.ETag),
		LastModified: aws.ToTime(out.LastModified),
	}
	return out.Body, info, nil
}

// Head returns the object's metadata without its content. A missing object
// is ErrNotFound.
func (s *Store) Head(ctx context.Context, key string) (ObjectInfo, error) {
	if err := validKey(key); err != nil {
		return ObjectInfo{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("head object %s: %w", key, mapErr(err))
	}
	return ObjectInfo{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		ContentType:  aws.ToString(out.ContentType),
		ETag:         aws.ToString(out.ETag),
		LastModified: aws.ToTime(out.LastModified),
	}, nil
}

// Delete removes the object under key. Deleting a missing object succeeds,
// so retried erasure and retention sweeps need no special case.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := validKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("delete object %s: %w", key, err)
	}
	return nil
}

// DeletePrefix removes every object whose key starts with prefix and
// returns how many it removed, the count that erasure reports back. The
// prefix must not be empty: an empty prefix would empty the bucket. End it
// with "/" ("answers/<user-id>/") so that one user's prefix cannot match
// another's.
func (s *Store) DeletePrefix(ctx context.Context, prefix string) (int, error) {
	if prefix == "" {
		return 0, errors.New("delete prefix: empty prefix would delete the whole bucket")
	}
	deleted := 0
	for {
		// Always list from the start: the page just deleted is gone, so
		// this walks the prefix without relying on a continuation token
		// that the deletions invalidated.
		out, err := s.client.ListObjectsV2(ctx, s.listInput(prefix, nil))
		if err != nil {
			return deleted, fmt.Errorf("delete prefix %s: list: %w", prefix, err)
		}
		if len(out.Contents) == 0 {
			return deleted, nil
		}
		ids := make([]types.ObjectIdentifier, 0, len(out.Contents))
		for _, o := range out.Contents {
			ids = append(ids, types.ObjectIdentifier{Key: o.Key})
		}
		res, err := s.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(s.bucket),
			Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(false)},
		})
		if err != nil {
			return deleted, fmt.Errorf("delete prefix %s: %w", prefix, err)
		}
		deleted += len(res.Deleted)
		if len(res.Errors) > 0 {
			e := res.Errors[0]
			return deleted, fmt.Errorf("delete prefix %s: %d objects not deleted, first %s: %s %s",
				prefix, len(res.Errors), aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message))
		}
		if len(res.Deleted) == 0 {
			return deleted, fmt.Errorf("delete prefix %s: store reported no deletions for %d listed objects", prefix, len(ids))
		}
	}
}

// List yields the objects whose keys start with prefix, in key order,
// fetching a page at a time so that a large listing never sits in memory
// whole. On failure it yields one error and stops.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[ObjectInfo, error] {
	return func(yield func(ObjectInfo, error) bool) {
		var token *string
		for {
			out, err := s.client.ListObjectsV2(ctx, s.listInput(prefix, token))
			if err != nil {
				yield(ObjectInfo{}, fmt.Errorf("list objects %q: %w", prefix, err))
				return
			}
			for _, o := range out.Contents {
				info := ObjectInfo{
					Key:          aws.ToString(o.Key),
					Size:         aws.ToInt64(o.Size),
					ETag:         aws.ToString(o.ETag),
					LastModified: aws.ToTime(o.LastModified),
				}
				if !yield(info, nil) {
					return
				}
			}
			if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
				return
			}
			token = out.NextContinuationToken
		}
	}
}

func (s *Store) listInput(prefix string, token *string) *s3.ListObjectsV2Input {
	in := &s3.ListObjectsV2Input{
		Bucket:            aws.String(s.bucket),
		ContinuationToken: token,
	}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	if s.pageSize > 0 {
		in.MaxKeys = aws.Int32(s.pageSize)
	}
	return in
}

// PresignGet returns a URL that lets its holder, typically a browser,
// download the object with a plain GET until ttl has passed, without our
// servers streaming it. ttl <= 0 means the Store's default. The URL names
// the configured Endpoint, so that endpoint must be reachable by whoever
// receives the URL. It is not checked that the object exists.
func (s *Store) PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error) {
	if err := validKey(key); err != nil {
		return "", err
	}
	if ttl <= 0 {
		ttl = s.presignTTL
	}
	if ttl > maxPresignTTL {
		return "", fmt.Errorf("presign get %s: ttl %v exceeds the S3 maximum of %v", key, ttl, maxPresignTTL)
	}
	req, err := s.presign.PresignGetObject(ctx,
		&s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)},
		s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("presign get %s: %w", key, err)
	}
	return req.URL, nil
}

func validKey(key string) error {
	switch {
	case key == "":
		return errors.New("blob: empty object key")
	case len(key) > maxKeyLen:
		return fmt.Errorf("blob: object key is %d bytes, over the %d limit", len(key), maxKeyLen)
	case !utf8.ValidString(key):
		return errors.New("blob: object key is not valid UTF-8")
	}
	return nil
}

// mapErr turns S3's "no such object" answers into ErrNotFound, keeping the
// original error in the chain for the log.
func mapErr(err error) error {
	if isNotFound(err) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// isNotFound reports whether err is S3 saying the object or bucket asked
// for does not exist. HEAD responses have no body, so a 404 without an
// error code counts too.
func isNotFound(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		}
	}
	var respErr *awshttp.ResponseError
	return errors.As(err, &respErr) && respErr.HTTPStatusCode() == http.StatusNotFound &&
		(apiErr == nil || apiErr.ErrorCode() == "")
}
