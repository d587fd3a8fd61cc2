package build

import (
	"context"
	"sync"

	"github.com/tecno-video/tecno/internal/ffmpeg"
)

// audioBatcher encodes scene sound in batches: the scenes whose audio is
// ready while an encode runs go together into the next ffmpeg process,
// each with its own encoder (ffmpeg.SceneAudioBatchArgs), so the outputs
// are what one process per scene would make. Starting ffmpeg costs about
// 0.12 s of CPU; on a 20-scene lesson a process per scene spent a quarter
// of the build's CPU on it. A batch runs under one worker slot, and at most
// as many batches run at once as there are slots.
type audioBatcher struct {
	b   *builder
	max int // scenes per process

	mu      sync.Mutex
	pending []*audioRequest
	running int
}

type audioRequest struct {
	scene ffmpeg.SceneAudio
	done  chan error
}

// encode encodes one scene's sound, batched with whatever else is waiting.
func (q *audioBatcher) encode(ctx context.Context, s ffmpeg.SceneAudio) error {
	r := &audioRequest{scene: s, done: make(chan error, 1)}
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

// run encodes batches until nothing is waiting.
func (q *audioBatcher) run(ctx context.Context) {
	for {
		release, err := q.b.acquire(ctx)
		q.mu.Lock()
		n := min(len(q.pending), q.max)
		batch := q.pending[:n:n]
		q.pending = q.pending[n:]
		if n == 0 || err != nil {
			q.running--
			rest := q.pending
			if err != nil {
				q.pending = nil
			}
			q.mu.Unlock()
			if release != nil {
				release()
			}
			for _, r := range append(batch, rest...) {
				if err != nil {
					r.done <- err
				}
			}
			return
		}
		q.mu.Unlock()
		scenes := make([]ffmpeg.SceneAudio, len(batch))
		for i, r := range batch {
			scenes[i] = r.scene
		}
		err = q.b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: ffmpeg.SceneAudioBatchArgs(scenes, q.b.audio)})
		release()
		for _, r := range batch {
			r.done <- err
		}
	}
}
