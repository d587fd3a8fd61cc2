package build

import (
	"context"
	"sync"

	"github.com/tecno-video/tecno/internal/ffmpeg"
)

// batcher runs jobs of one kind in batches: the jobs that arrive while a
// batch runs go together into the next ffmpeg process, each with its own
// encoder (see ffmpeg.SceneAudioBatchArgs and ffmpeg.StillRawBatchArgs), so
// every output is what one process per job would make of it. Starting
// ffmpeg costs about 0.12 s of CPU (it loads some two hundred shared
// libraries); with a process per scene sound and per still, a 20-scene
// lesson spent a quarter of its build's CPU starting ffmpeg. A batch runs
// under one worker slot, at most as many batches run at once as there are
// slots, and a batch holds at most max jobs so that work still spreads
// over the workers.
type batcher[T any] struct {
	b    *builder
	max  int
	args func([]T) []string

	mu      sync.Mutex
	pending []*batchJob[T]
	running int
}

type batchJob[T any] struct {
	job  T
	done chan error
}

// do runs one job, batched with whatever else is waiting.
func (q *batcher[T]) do(ctx context.Context, job T) error {
	r := &batchJob[T]{job: job, done: make(chan error, 1)}
	q.mu.Lock()
	q.pending = append(q.pending, r)
	if q.running < cap(q.b.sem) {
		q.running++
		go q.run(ctx)
	}
	q.mu.Unlock()
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run runs batches until nothing is waiting.
func (q *batcher[T]) run(ctx context.Context) {
	for {
		release, err := q.b.acquire(ctx)
		q.mu.Lock()
		if err != nil {
			failed := q.pending
			q.pending = nil
			q.running--
			q.mu.Unlock()
			for _, r := range failed {
				r.done <- err
			}
			return
		}
		n := min(len(q.pending), q.max)
		if n == 0 {
			q.running--
			q.mu.Unlock()
			release()
			return
		}
		batch := q.pending[:n:n]
		q.pending = q.pending[n:]
		q.mu.Unlock()
		jobs := make([]T, n)
		for i, r := range batch {
			jobs[i] = r.job
		}
		err = q.b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: q.args(jobs), Background: true})
		release()
		for _, r := range batch {
			r.done <- err
		}
	}
}

// Jobs per ffmpeg process. A batch runs its jobs one after another, on
// one core: four already pay ffmpeg's start-up a quarter as often.
const (
	audioBatchMax  = 4
	stillBatchMax  = 4
	decodeBatchMax = 8 // a decode is quick: start-up is most of it
)

// stillBatcher returns the batcher for H.264 stills of video settings v.
func (b *builder) stillBatcher(v ffmpeg.Video) *batcher[ffmpeg.RawStill] {
	b.stillMu.Lock()
	defer b.stillMu.Unlock()
	if b.stillQ == nil {
		b.stillQ = map[ffmpeg.Video]*batcher[ffmpeg.RawStill]{}
	}
	q := b.stillQ[v]
	if q == nil {
		q = &batcher[ffmpeg.RawStill]{b: b, max: stillBatchMax, args: func(s []ffmpeg.RawStill) []string { return ffmpeg.StillRawBatchArgs(s, v) }}
		b.stillQ[v] = q
	}
	return q
}
