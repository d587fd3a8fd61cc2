// Package render draws slide frames in pure Go.
//
// A Template (loaded by LoadTemplate from the built-in templates in
// templates/ or from a custom YAML file) describes a canvas background, a
// colour palette, fonts, sizes, decorations and, for every scene layout, the
// boxes its elements go in. Geometry is written for a 1920×1080 design
// canvas (with optional portrait overrides on 1080×1920) and scaled to any
// frame size.
//
// Template.Layout places everything — wrapping, shrinking text step by step
// until it fits its box, and cutting it with an ellipsis (and a warning)
// when even the minimum size does not fit — and returns a Plan whose text
// lines, images and markers tests can inspect. Template.Render draws the
// plan. Text uses the embedded Go fonts; runes they lack fall back, per
// rune, to installed system fonts (scanned once, on first need), and runes
// no font covers produce a warning naming the package to install.
//
// Rendering is deterministic (the same input gives the same pixels) and
// safe for concurrent use. Fonts, glyph masks and the background layer of
// each layout and frame size are cached across renders.
package render
