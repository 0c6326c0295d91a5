//! The image comparator: finds registered works in listing images.
//!
//! Copiers reuse a rights holder's photographs resized, recompressed,
//! recoloured, mirrored, watermarked, cropped, padded, turned a few degrees
//! or pasted onto a new background. The stage hashes every image of every
//! registered work once ([`WorkIndex::build`], the mirror image too, and
//! both turned by every 2° out to 16° either way), then for each listing
//! image ([`WorkIndex::compare`]):
//!
//! 1. refuses it unread if it has too many bytes, or (from the header alone)
//!    too many pixels, so a 20 000×20 000 image costs nothing;
//! 2. decodes it, turns it grey (BT.601 luma, what a JPEG stores as Y: a
//!    JPEG is decoded straight to grey, scaled down in the DCT domain),
//!    shrinks it to at most 256 pixels a side and trims uniform borders,
//!    so that padding does not change the hash;
//! 3. looks up the works whose hashes lie within [`MATCH_DISTANCE`] of the
//!    whole picture's (and share a slot with it), through a [`SlotIndex`]
//!    (below, *Searching the works*), judged on the bits each work is sure
//!    of (below, *Flat artwork*); where none is, the picture as fetched
//!    against the works as registered, both untrimmed (below, *What the
//!    trim takes*);
//! 4. only when no work matched, cuts out the figures the picture shows on
//!    a plain ground (a drawing on a card pasted onto a photograph, or
//!    printed on a shirt) and the cells it would have as a collage (a grid
//!    of up to 3 by 3 pictures, or 4 by 4: `ground.rs`), and compares them
//!    with the works whole, trimmed and as registered, judged like the
//!    whole picture;
//! 5. only when that matched nothing either, looks for part of a work:
//!    windows of the picture, from 90% of its side down to about a
//!    third, against whole works (a work pasted onto a background, or
//!    shown small), and the whole picture against crops of works (a work
//!    cropped by up to 20% a side, or zoomed into: 70% or 60% of both
//!    sides kept);
//! 6. only when that found nothing either, looks for a turned work (below),
//!    whole, and then through the windows of the partial-match search;
//! 7. only when that found nothing either, looks the windows up among the
//!    works' crops: a work cropped, then pasted onto a background (below,
//!    *Crops pasted*);
//! 8. only when that found nothing either, where the registry holds a
//!    pattern (a check), looks for it cut anywhere and at any scale by its
//!    sett (below, *Patterns cut anywhere, at any scale*), and, where its
//!    repeat is too fine for the picture read, again in the picture
//!    decoded larger (*Patterns finer than the picture read*);
//! 9. last, where the picture has colour, decodes it again in colour and
//!    compares its value (the largest of red, green and blue at each
//!    pixel, which a turn of hue leaves) with the works', whole (below,
//!    *Recoloured copies*).
//!
//! Then each match, whatever found it, is checked once more: the picture
//! is lined up with the work at 512 pixels and the work's fine marks (its
//! letters, stars, eyes) are looked for in place; where the work has enough
//! of them at the picture's scale and most are missing, the match is
//! withdrawn: a look-alike drawn on the work's template with other words,
//! which the hashes cannot tell from a copy (see `marks.rs`). What the check
//! reads of a work is made once and kept for the works most recently
//! matched: a sweep matches the same few again and again.
//!
//! # The hashes
//!
//! A match is judged on a 512-bit *signature*: two 256-bit hashes of the
//! picture squeezed to a square, computed in `hash.rs` (no allocation, a
//! DCT of only the kept frequencies) from samples averaged, unrounded, out of
//! a summed-area table:
//!
//! - a DCT hash (pHash): the 16×16 lowest DCT coefficients of a 32×32
//!   sample, each set if above their median. It ignores colour, brightness
//!   and compression almost entirely, and between unrelated pictures it is a
//!   near-perfect coin toss per bit (measured mean 127 of 256, sd 8.7, very
//!   close to the binomial's 128 and 8).
//! - a gradient hash (dHash): is each of 16×16 samples brighter than its
//!   left neighbour. It shrugs off what the DCT hash is worst at — a
//!   watermark bar, a border — but alone has a heavier tail between
//!   unrelated pictures (58 of 256 at closest, on these images, against 84
//!   for the DCT hash).
//!
//! Adding the two distances keeps the DCT hash's clean separation and lets
//! the gradient hash carry the edits that disturb a band of the picture.
//!
//! A third hash, the 8×8 lowest DCT coefficients (64 bits, classic pHash),
//! only *proposes* partial matches. The 256-bit hashes are sharp: cropping
//! 5% off one side costs the DCT hash about 50 of its 256 bits, while the
//! 64-bit one loses about 6 of 64. So windows and crops are found with the
//! coarse hash (within 20 of its 64 bits), and the best few
//! proposals are lined up by a greedy search over position and size that
//! minimises the signature distance; the signature then decides.
//!
//! # Turned copies
//!
//! A turn of a few degrees moves every sample of the 32×32 grid off the
//! structure it sampled, and the hashes see a different picture: turned
//! 4° (and cropped), the works end 137–207 bits of 512 from themselves,
//! turned 6° 173–227, as far as unrelated pictures come (measured in
//! `tests.rs`). No rotation-invariant global hash keeps the DCT hash's
//! separation, and keypoints with geometric verification (ORB + RANSAC)
//! would cost far more per listing image than all the rest of the stage, so
//! the stage does what it does for mirror images: it indexes the turned
//! work. Each view is turned by every 2° from 2° to 16° either way (16
//! turned views a view, hashed once at build) and cropped to the largest
//! rectangle of its own shape that shows no corner, which is what a seller
//! who turns a picture and crops away the corners shows; such a listing
//! image is compared with the turned views whole. A seller who fills the
//! corners instead (white, black, a tint) shows the turned picture in its
//! bounding box, which the border trim cannot take off (the fill never
//! spans a whole row). For each angle, the stage solves the bounding box
//! for the size of the picture turned in it and cuts out the same corner-
//! free rectangle, then compares it with the turned views of that angle:
//! one fixed rectangle per angle (in the trimmed picture, and in the
//! picture as fetched when the trim bit into it because the fill was close
//! to the picture's own edge colour), picked without looking at any work,
//! so it is judged by [`MATCH_DISTANCE`] as the whole picture is.
//!
//! Why every 2°: a turn the index does not hold costs bits, growing with
//! how far it is from the nearest held angle. Halfway between held angles
//! 3° apart (1.5° off) the works ended 39–100 bits from their turned views
//! (128 for the rocket, whose sky the trim cuts); 1° off, with a 2° grid,
//! 15–97. The turned views cost nothing an unrelated picture would notice:
//! over 75 000 comparisons of turned views and cut rectangles with the
//! unrelated pictures of the tests (turned too), the closest came 167 bits
//! apart, about as close as whole unrelated pictures come (176). (The
//! tests' unrelated pictures have grown since: see below.)
//!
//! A drawing on a plain ground (a logo on white) is turned otherwise: on
//! its page, whole, where the corner-free rectangle of the drawing alone
//! cuts into it (the stripes, the chevrons, the monogram's letters reach
//! their corners). A seller's editor fills the corners white, black or
//! clear; trimmed, the white fill and the page both go and what is left is
//! the turned drawing's own box, and with dark corners the cut rectangle
//! (above) still holds the page, which is trimmed off before it is
//! compared. So a view whose trim took a ground is also held turned with
//! its corners filled with that ground and trimmed (`Turned::of`, 16
//! more turned views a view, compared whole and by the partial-match
//! search's windows; a photograph whose trim takes even sky gets them too,
//! and loses nothing by them). Measured on a scratch set of the 8
//! drawings turned by every whole angle from 1° to 15° either way (white
//! corners, corner-free crops, and black corners every 3°; 560 copies):
//! 553 found with the corner-free views alone, all 560 with both; the
//! corner-free views kept, as they find crops the filled ones do not (the
//! chevrons cropped at 14–15°: 236 of 240 with the filled views alone), and
//! they are what a photograph turned and cropped shows (with the filled
//! views alone, the labelled set lost 15 copies of the rocket and the logo
//! badge, whose trims take a ground). No unregistered picture of the tests
//! came nearer than before: 161 of 512, over the 67,222 comparisons the
//! index proposes in the turned stage, the filled views included.
//!
//! A picture the trim takes real rows of (a landscape's even bands of sky
//! and grass, a fox on a flat sun and ground) is turned as registered
//! too. Its views are the trimmed picture, and so are their turned views;
//! but a seller turns the picture as registered, bands and all, the turn
//! makes those rows uneven, and the listing image's trim keeps them: the
//! rectangle cut out of it holds what the view lacks, centred elsewhere
//! (a hold-out landscape turned 7.9° came no nearer than 178 of 512 to
//! its views turned 8°). So a view whose trim took some of the picture
//! is also held with all of the picture turned (16 more turned views a
//! view, each compared as the others are). Over every labelled set it
//! found 6 more copies and matched no more unregistered pictures: that
//! landscape (8 of its 340 sure bits off), a fox turned and padded, a
//! line drawing turned and pasted onto a room in 3 of 5 hold-out seeds,
//! and a watermarked monogram (the flat artwork's last miss); a test
//! bands the stock photographs and turns them (42 of 56 found before, all
//! now). The tests' unrelated pictures came to 149 of 512 over the
//! turned stage's 80,777 comparisons (161 of 67,222 before), still 21
//! past [`MATCH_DISTANCE`].
//!
//! The stage runs last, only for a picture that matched nothing whole or
//! by the partial-match search: a picture that already matched cannot
//! gain from it, and a crop of a work (which a small turn's corner-free
//! rectangle resembles) is better placed by the search.
//!
//! A turned copy that is also cropped further, or pasted onto a
//! background, is neither a turned view whole nor its cut rectangle: with
//! each work turned 3°, 6°, 9° or 12° and then cropped 8% off two sides,
//! or pasted at 75% onto brick, those stages and the unturned search found
//! 2 of 8 each way (the 3° ones). So, last of all and only when nothing
//! else matched, the partial-match search's windows are looked up among
//! the turned views too (by their coarse hashes, one index per shape, as
//! for the views, but one bit a slot where the views allow two: there are
//! 16 turned views a view, see [`StrictCoarse`]) and the best few lined up
//! with the turned view's signature, judged by [`SEARCH_MATCH_DISTANCE`]
//! like any search result.
//! On the labelled set, which now holds those 16 pictures, it finds 8 of
//! the 8 on a background and 7 of the 8 cropped (the motorcycle turned 12°
//! is missed), with no false positive among the 1,090 unregistered
//! pictures, the turned ones and the look-alikes included. It finds the
//! rocket pasted at 85% too, which the unturned search missed then.
//!
//! # The thresholds
//!
//! Unrelated pictures differ in about half the bits. A whole-image match
//! needs at most a quarter ([`MATCH_DISTANCE`], 128 of 512); a match found by
//! the partial-match search at most a fifth ([`SEARCH_MATCH_DISTANCE`], 102),
//! because picking the best of hundreds of rectangles brings unrelated
//! pictures closer than one comparison does. Both are fractions of the bits,
//! not fitted to these images. Measured on the 8 registered works (PNG) and
//! the 14 unregistered stock photographs plus 3 random crops and 3 turns of each (JPEG),
//! in `tests.rs`:
//!
//! | distance (of 512) between…                          | closest | typical |
//! |-----------------------------------------------------|--------:|--------:|
//! | unrelated pictures, whole image (3136 pairs)        |     176 | 256 (sd 16.1) |
//! | unrelated pictures, after the search (196 pictures) | 144 (151 before the sure bits) | — |
//! | unrelated pictures, turned stage (75 264 pairs; 67 222 the index proposed, now 80 777 with pictures turned as registered) | 170 (167; 161; now 149) | 1%: 215 (214; now 210) |
//! | unrelated pictures, figures on a ground and cells (172 544 pairs) | 153 (179 of 4112 before the cells, the collages and the looser trims) | — |
//! | unrelated pictures in colour, by value (2944 pairs, *Recoloured copies*) | 186 | 1%: 212 |
//! | unrelated pictures, windows against crops (309 line-ups over every labelled set) | 117 (look-alikes: 64) | — |
//! | a work and its edits (worst per edit, below)        |       — |  0–81   |
//!
//! (Whole-image figures by all 512 bits; after the search, in the
//! turned stage and for the figures cut out of a plain ground, as judged:
//! on the bits each work is sure of, counted as below, *Flat artwork*.) Bits that differ between each edit and its
//! work, of those the work is sure of (380–475 for these works; m:
//! matched the mirror image; counted by all 512 bits before the sure
//! bits, these were about twice as many):
//!
//! ```text
//!                                 astronaut  chelsea  coffee  hubble  ihc  logo  motorcycle  rocket
//! resize 60%                              3        1       1      23    2     0           1      12
//! jpeg q40                                0        2       0      14    0     1           0       0
//! mirror                                 0m       1m      0m      0m   0m    0m          0m      0m
//! hue +90°                                3        1       3       1    3    10           3      39
//! brighter                                3        0       0       0    5     8           1       0
//! grey                                    1        0       0      13    0     5           2       0
//! watermark                              22       60      41      73   32    23          21      31
//! crop 10% right                          0        0       3      12    0     0           3      76
//! crop 10% around                         0        1       1       6    3    43           2      22
//! crop 20% corner                         0        4       2       3    0     1           4       0
//! white border                            1       11       2      22    2     1          10      40
//! white border, turned -9° black         19       58       3      35   10    81          10       1
//! paste 70% centre                        1        1       1      24    6     2           6       7
//! paste 70% off                           0        7       0      24    5     3          14       0
//! paste 55%                               3        2       4      25    5     2           6      12
//! paste 85%                               0        4      10      35    3     1           6       4
//! paste 40%                               9       16       5      20   11    31          10       9
//! turn 1.5° white                        45       62      59      20   41     9          58      65
//! turn -4.5° crop                         3        7      44      20    5    54          23      38
//! turn 7.5° black                         9        5       5      28    5     7          13       3
//! turn -10.5° grey                       17       12       5      23    4     4          21      16
//! turn 13.5° crop                         7       15       9      17   12     9          11       1
//! turn -15° white                        16       13       8      46   15     4          35      10
//! ```
//!
//! The turns are odd angles, 1° or more from every indexed one but the
//! smallest; 1.5° is still found whole, by the unturned view.
//!
//! Nothing is missed. The tests listed three misses until 2026-12-05,
//! each found by then, and now held like every other edit: a crop of the
//! rocket whose remaining corners are all evenly shaded sky, which the
//! border trim takes for padding (found at 0, through the indexed crop of
//! that corner, which the trim cuts alike), and the astronaut and the
//! hubble pasted at 40% of the picture's side, once below the reach of
//! the search's smaller windows there.
//! Grey is BT.601 luma since the JPEG decode went straight to grey
//! (`decode.rs`), which also moved the edits that change colours (hue,
//! grey) by up to 77 bits of 512 for the rocket, whose picture is mostly
//! saturated blue: `image`'s hue turn keeps BT.709 luma, not BT.601.
//!
//! # Flat artwork: judged on the bits a work is sure of
//!
//! The limits above assume that each bit is a coin toss between unrelated
//! pictures, which holds for photographs and poster art. It does not for
//! flat artwork, a logo of a few colours on white (drawn by rule in
//! `fixture/artwork.rs`, `knockoff fixtures artwork`): a picture symmetric
//! about its middle has every DCT coefficient of odd order in that
//! direction at zero, which is the median, so those bits are set by
//! rounding, and any copy sets them anew. A JPEG at q50 of three stacked
//! chevrons flipped 128 of its 256 DCT bits (and 14 of the gradient
//! hash's); the copies of 8 drawings under the whole-picture edits stood
//! 5–31% of the bits from their drawing, and unrelated drawings of like
//! shapes as near as 24% (a plain disc to a ring with a dot). Of 140
//! unregistered drawings (27 look-alikes as is, turned, on a photograph,
//! printed on T-shirts, and plain T-shirts), 8 were matched (5.7%), mostly
//! through the search and the turned stage, where picking the best of
//! many comparisons brings them nearer still.
//!
//! So each work's view keeps a second 512-bit mask of the bits it is
//! *sure* of ([`hash::fine_sure`]): a DCT coefficient at least a tenth of
//! the coefficients' spread from their median, a step between
//! neighbouring samples of at least 1% of the contrast. A photograph is
//! sure of 380–475 of its 512 bits, a drawing of 195–320. A match is
//! judged on those bits only, and a limit must hold the same odds against
//! chance whatever their number: `n` coin tosses differ in `n/2 ± √n/2`,
//! so `d` of `n` counts as the distance over 512 bits that lies as many
//! of those deviations below the middle ([`Signature::distance_sure`]);
//! over all 512 it is the plain distance. Measured whole (the
//! whole-picture edits against the 14 stock photographs and the
//! look-alikes): the photographs' copies differ in at most 17% of their
//! sure bits (23% of all), unrelated photographs in at least 31%; the
//! drawings' copies in 0–5% but the watermarked and the black-padded ones,
//! the look-alikes in at least 22%. Fewer sure bits must agree more
//! closely: a perfect match on 250 counts as 77, and a window of a search
//! (limit 102) on 200 must differ in next to none, which is why a drawing
//! pasted small or printed on a shirt was found only about half the
//! time: the copies are lined up on the sure bits, but rarely that
//! closely (a drawing's white margin makes the window's edges hard to
//! find). Most such copies stand on a plain ground (a card, a shirt),
//! out of which `ground.rs` cuts them exactly, before the search.
//! Candidates are looked up by all bits within three eighths
//! ([`CANDIDATE_DISTANCE`]), far enough for a copy whose unsure bits all
//! flipped. Evidence names the bits compared: "differing in 3 of the 287
//! hash bits compared".
//!
//! On the drawings' set: no look-alike matched (8 before), nor the bird
//! in a watermarked moon; recall the same, 100 of 120 (whole-picture
//! edits all found; three copies on a background, small or on a shirt
//! gained, and four of the star and the stripes lost: one turned, one
//! watermarked, two small or on a shirt). On the fixture's labelled set
//! the output is the same as before, line for line. The margins (a tenth
//! and 1%) were not fitted: halved or doubled, neither set gained a false
//! positive, and recall moved by at most 4 drawings and 1 photograph.
//!
//! # Patterns
//!
//! A check, stripes or a tiled motif repeats, and the partial-match search,
//! which moves and resizes a rectangle to bring it nearest a work, can line
//! any pattern of its kind up with such a work: the lines fall where the
//! work's lines fall, and the hashes, which see a few dozen samples a side,
//! cannot tell the setts apart. Drawn at random, 14 of 300 checks of other
//! setts and colours (plain, blurred, noisy, stretched, small) matched the
//! registered plaid, 12 of them through the search, some within 10 of its
//! 295 sure bits; so did 2 of the 6 checks of `knockoff fixtures artwork`.
//! The limits' coin-toss argument does not hold for a picture whose parts
//! repeat one another.
//!
//! So each work is asked at build whether it repeats ([`repeats`]): a part
//! of it (the middle two fifths, or three tenths, of each side) is sought
//! elsewhere in the same picture, and a work whose part comes within
//! [`SEARCH_MATCH_DISTANCE`] of itself at two places or more, a quarter of
//! its side or more from it and from each other, is a pattern. One other
//! place within the limit can be a coincidence of a drawing (the two arcs
//! of a crescent, a second bar); a pattern shows its motif at several.
//! A pattern is looked for whole only (the whole picture, the figures on
//! a plain ground and the collage cells, the turned views and the cut
//! rectangles); the search neither lines up its crops, which are not
//! indexed, nor looks for it in windows. It costs the work the copies only
//! the search finds: the plaid cropped or on a photograph, none of which
//! the search found before either. Of the fixture drawings, the plaid is
//! the one registered work that repeats (its part came back within 37 of
//! 512 at eight places); of the photographs none (the nearest, the hubble,
//! came within 103 once); of the unregistered drawings and photographs, 7
//! of 119 (the checks, and bars side by side), and no texture photograph
//! (brick, gravel, grass). It takes some 5 ms a work at build, on one core.
//!
//! Looked for whole, a pattern was still taken for another: checks of
//! other setts drawn at random (a ground crossed by one to three lines,
//! every sixteenth to third of the side) matched the plaid through the
//! stages that compare fixed rectangles with the works whole, a collage's
//! cells and a turned view's cut rectangle: 16 of 900 (three draws of 300
//! as above), the first draw's ten at 41–69 of the 295 or 356 bits the
//! plaid is sure of, 110–125 of 512 as the limit counts them. The coin
//! toss fails there too: any two checks have their DCT coefficients in the
//! same few rows and columns.
//! What a check is made of is where its lines lie and how dark each is,
//! which its columns' and rows' mean brightness show (its [`Profile`], 32
//! of each). So a pattern's find stands only where the rectangle of the
//! listing image that matched runs across and down as what it matched
//! does (the view, or the turned view, as held): their profiles'
//! correlation is at least [`PATTERN_AGREEMENT`], one half. The plaid's
//! copies whole agreed by 0.88–1.00 (resized, recompressed, recoloured,
//! grey, gamma, saturated, sharpened, blurred, noisy, stretched, squashed,
//! padded, mirrored, under a sticker, a watermark or tiled text; turned,
//! with its turned view: 0.95–0.96), under a caption band by 0.73; the
//! random checks by 0.43 at most, and none of the 900 matches now. Three
//! copies of the plaid had been found only by a lucky cell, a third or a
//! half of the picture that is not the plaid (agreeing by 0.03–0.44: on a
//! T-shirt, and photographed askew, 6% and 12%), and are missed now, as
//! the whole picture's hashes miss them. Nothing else changed on any set:
//! a photograph or a drawing that does not repeat has no profile to agree
//! with.
//!
//! Drawn more often, and edited as copies are (zoomed into, pasted small
//! on a photograph, printed on a shirt), 4 of 4,800 random checks still
//! matched: three a turned view, their profiles agreeing by 0.60–0.69,
//! one the plaid whole, by 0.70. A find of a turned view, which nothing
//! else checks, now needs [`TURNED_PATTERN_AGREEMENT`] (the turned copies:
//! 0.94–0.97); and a find of the pattern as registered, where the
//! rectangle shows two repeats or more, must repeat as the pattern does:
//! its [`Sett`] (below) agreeing by [`SETT_STANDS`] (copies: 0.86–0.98;
//! that check: 0.57). None of those 4,800, nor of 2,400 more drawn after,
//! matches now.
//!
//! A copy matched whole shows as many repeats across and down as the work,
//! so the scale at which the setts agree must also be the rectangle's, each
//! way, within a tenth (`sett::Agreement::scaled_as`; the tolerance the
//! ratio of the two periods already had). A pattern of the same sett need
//! not: in a hold-out drawn apart from these fixtures (seed 19 of
//! `fixtures/blind-images/gen.py`), a gingham 1000×750 read as a collage,
//! its halves showing a houndstooth's 12.2 repeats across and 18.4 down,
//! came within 37 of the 329 bits the houndstooth is sure of, squeezed
//! into its square; profile and sett agreed (0.60, 0.99), the sett's
//! scale a third off the cell's down. Every copy matched whole in the
//! flat artwork and seeds 1–20 was within 0.06 of its rectangle's scale
//! (the plaid's within 0.01; the labelled photographs hold no pattern);
//! that gingham and a houndstooth look-alike of seed 20 are refused now,
//! and no other answer changed on any set.
//!
//! A sett's repeat is read as the first lag at which its line correlates
//! with itself within 85% of its best (`sett.rs`). An argyle whose two
//! colours are near one grey (seed 35) has its rows' brightness made
//! mostly of its dashes, and correlating nearly alike at the diamonds'
//! repeat and at a lag a seventh short of it: the work read its repeat
//! down at the one and its copies, recompressed or resized, at the other,
//! and five copies matched whole (four within 65–83 of 512 bits) were
//! refused as repeating otherwise. So a rectangle matched whole is read
//! at the work's repeat too, scaled as the rectangle is ([`Sett::at`]),
//! and stands where either reading agrees: a copy shows the work's
//! repeat there, and a pattern of another sett folded on a repeat not its
//! own smears. Asking a second, harmonic check of the repeat itself
//! (that it correlates again at twice its lag) found those copies too but
//! lost two others, houndstooths crossed by a thread every few repeats
//! printed small on shirts, whose longer repeat is the stronger there.
//!
//! # Patterns cut anywhere, at any scale
//!
//! Looked for whole only, a pattern was missed wherever a seller cut it
//! or showed it small: the plaid zoomed into, pasted on a photograph,
//! small on a drawing of a horse, printed on a shirt (4 of its 16 copies
//! in `knockoff fixtures artwork`). What a pattern is, whatever its scale
//! and wherever it is cut, is its *sett* (`sett.rs`): the repeat across
//! and down, and where each line lies within a repeat, how wide and how
//! dark. So, last of all and only where nothing else matched and the
//! registry holds a pattern, the picture whole and the partial-match
//! search's square windows are read for their setts, and the few whose
//! sett agrees best with a pattern's, by [`SETT_AGREEMENT`] or more (the
//! folds of both, levels and edges, at the best shift), are lined up with
//! the part of the pattern the sett says they show, at its scale and
//! phase: hashed from the registered picture, judged by
//! [`SEARCH_MATCH_DISTANCE`] and by the profile as any pattern's find.
//! Of the 4 copies, all are found (56–66 of 512); a cut that shows two
//! repeats or fewer is mostly missed (the plaid's middle 50%, enlarged:
//! 2 of 6 places; at 55%, 2.2 repeats, 5 of 6, see `sett.rs`).
//!
//! *Where a pattern lies.* The sett says where a rectangle's edge falls
//! within a repeat, not within which repeat, nor whether the pattern
//! reaches that far. A swatch pasted on a photograph agrees best in
//! windows that take in some of the photograph, and lined up as though
//! the pattern filled them, the plaid pasted on a brick wall at 45–55% of
//! the side came 120–135 bits from it, past the search's limit. So the
//! pattern is placed at every whole repeat either way that leaves half
//! the window's side on it, cut to the picture and to the window, and the
//! two places nearest the pattern as they stand are lined up
//! ([`WorkIndex::line_up_part`]); of those within the limit, the widest
//! is reported ([`widest`]). In a scratch set, the plaid pasted on each
//! of the 14 stock photographs, twice, at 30% to 80% of the shorter
//! side: 202 of 280 found before, 224 with the places, 272 with the
//! folds blurred as the coarser picture shows them besides (`sett.rs`);
//! the region reported overlapping the plaid by a median 0.93 of their
//! union, from 0.61. Still missed: 3 of 28 at 30%, and 2 at 45% where
//! the photograph's own lines confuse the repeat down. No unregistered
//! picture of any set matched, nor any of the 7,200 random checks above,
//! nor 9,600 more with the places and the blur (each plain, zoomed into,
//! pasted at 45% on a stock photograph and printed on a shirt; 15 of the
//! first 4,800 agreed by 0.9 or more, and lined up they came 129–167
//! from the plaid, past the limit of 102) (in a prototype of the same measure, 900 random checks read whole
//! agreed with the plaid's sett by 0.76 at most; the copies' best
//! windows, by 0.93–0.99). The setts cost nothing where the registry holds
//! no pattern; where it does, some 500 windows' lines are read and
//! folded for a picture nothing else matched, each compared with every
//! pattern's sett: linear in the patterns, which a registry has few of.
//! Against 8 drawings and the plaid, a picture that matches nothing takes
//! about 1 ms more on one core than without a pattern, a check that is
//! not the plaid about 6 ms, its windows repeating (README, *Patterns cut
//! anywhere, at any scale*): the autocorrelations' sums are kept in eight
//! lanes ([`hash::dot`]), and a rectangle is compared down only where it
//! agreed across.
//!
//! *Patterns of a like sett.* The sett reads a pattern's lines, not what
//! fills a repeat between them, and the fine signature, hashed over a
//! part of many repeats, reads nothing finer than a repeat: a gingham
//! and a houndstooth of the same repeat agreed and lined up within 1–8
//! bits of some 290 (two gingham fabrics among 84 unregistered pictures of
//! a hold-out drawn apart from these fixtures, and 9 of 10 ginghams drawn
//! to check it). So a part of more than [`REPEATS_HASHED`] repeats
//! either way is lined up again by its middle four, whose hash has four
//! frequencies a repeat, and stands only if that does too (the find
//! keeps the wider part, as evidence). None of those ginghams matches
//! now; every copy found before still is (the plaid pasted on the stock
//! photographs, its enlarged cuts, flat artwork, the houndstooth's copies
//! in the hold-out).
//!
//! *Patterns finer than the picture read.* A pattern pasted small on a
//! photograph or printed on a shirt may repeat every few pixels of the
//! picture read ([`decode::WORK_SIDE`]): a houndstooth of 30-pixel repeats
//! in an 800-pixel work, pasted at 55% of an 800-pixel photograph, repeats
//! every 5.4 pixels there. Its sett still agrees (by 0.997 and more), but
//! its middle [`REPEATS_HASHED`] repeats are some 22 pixels for the fine
//! signature's 32 samples a side, and lined up they came 103–144 bits of
//! 512 from the work, past the search's limit of 102: 9 copies so in the
//! hold-out drawn blind (seeds 1–24), each a houndstooth printed on a
//! shirt or pasted on a photograph. So where nothing matched and a
//! rectangle agreeing best showed a pattern's repeat finer than
//! [`FINEST_REPEAT`] (a pixel a sample), the picture is decoded again at
//! twice the side ([`FINER_SIDE`], or as fetched where that is smaller;
//! a JPEG at the DCT scale for it, [`decode::finer`]) and the pattern
//! stage runs again on it ([`WorkIndex::finer_patterns`]); the
//! rectangles that showed the repeat that fine are not lined up in the
//! picture read first, where they came too far. All 9 are
//! found, and no other answer changed but one: a houndstooth of the
//! work's weave in other colours, pasted on a photograph (seed 1), now
//! matches as the 7 others of its kind already did (README, *Seeds
//! 17–20*). Decoded only large enough for the repeat to reach eight
//! pixels, 7 of the 9 were found: lining up wants some margin. The cost
//! falls only on a picture nothing matched whose rectangles agree with a
//! pattern at a fine repeat: in the hold-out, 1 to 10 of 204 pictures a
//! seed (a skyline's windows and a line drawing's hatching agree with a
//! fine houndstooth too), each 15–40 ms more on one core; a copy found so
//! takes 209 ms, where lining up its fine rectangles at the picture read
//! too (for nothing) made it 318 (README, *Image stage*).
//!
//! *Patterns in colour.* A pattern's design is also where its colours
//! lie, which its grey may not show. A check's overcheck, one thread wide
//! every third repeat and as light as the threads around it: the sett,
//! the grey signatures and the profile cannot see it, and a houndstooth
//! of the work's weave 1.6 times as large in other colours, without the
//! overcheck, lined up by its grey within 1–27 bits of some 300 of the
//! work's cut enlarged: 15 of the 33 unregistered pictures the first
//! hold-out matched (seeds 1–40, 3,360 pictures). And a tessellation's
//! hexagons coloured otherwise from the work's palette: the grey of a
//! hexagon grid is mostly its white lines, alike wherever it is lined
//! up (6 of the 176 unregistered pictures of the second hold-out's seeds
//! 13–14). So a match the sett placed ([`Against::Part`]) is compared once
//! more, by its *hues* ([`WorkIndex::lacks_colours`]): the listing
//! image, decoded again in colour only then ([`decode::Colour`]), against
//! the pattern at every whole repeat of the view from the part the grey
//! lined up. Every repeat, not a few: an overcheck repeats less often than
//! the grey, and the grey of a hexagon grid lines up any hexagon (two
//! cuts of the second hold-out's tessellation were lined up 5–10 repeats
//! from their place; their hues agreed 0.3 at the nearest few repeats,
//! 0.99 at their place).
//!
//! Each sample's colour about grey, red against green and yellow against
//! blue to one scale ([`decode::Colour::hue`]), is a complex number; less
//! the rectangle's mean, two rectangles agree ([`hash::Hues`]) by the
//! magnitude of their complex correlation, which a turn of hue (every
//! sample times one unit number) and a change of colourfulness leave as
//! they were, at 32×32 samples or at 8×8 (a copy's colours bled by its
//! JPEG, or by a shirt's folds), the larger. The match is withdrawn where
//! no repeat agrees by [`HUE_AGREEMENT`] (1/√2: half the listing's
//! variation of colour in step with the pattern's). Of the 175 matches of
//! both hold-outs that came this far, 154 copies agreed 0.78–1.00 but for
//! seven houndstooths (0.18–0.72: on shirts and backgrounds, padded,
//! recompressed; four of them lined up as most of the view, with one to
//! eight repeats to try), and 21 look-alikes 0.24–0.78; any threshold
//! from 0.65 to 0.75 drew the same line.
//!
//! Skipped where the pattern's chroma ([`decode::Colour::chroma`]: each
//! pixel's largest channel less its smallest) barely varies there
//! ([`MIN_CHROMA_CONTRAST`], a grey pattern), and where the rectangle is
//! less colourful on average than two thirds of the pattern, or more than
//! half as colourful again ([`SAME_COLOURFULNESS`]): a copy greyed, or
//! printed on a coloured shirt whose colour tints every thread (the plaid
//! on a blue shirt in `knockoff fixtures artwork`, about half as colourful
//! there).
//!
//! First written (2026-12-07) as a comparison of chroma alone: the
//! listing's chroma hashed where the grey lined it up, against the
//! pattern's there or up to three repeats away, the match withdrawn where
//! the nearest was as far as chance. Not as near as the match's limit:
//! copies on shirts came 193–209 of 512 from their pattern, and four
//! argyle copies whose hue turn swapped their colours' lightness came
//! 350–438, their negative, lined up a diamond over. First hold-out: 33 →
//! 26 of 3,360 wrong, copies 4,658 → 4,657 of 4,800; second hold-out
//! seeds 1–12: 6 → 4 of 1,056. But nearer than chance is not near: the
//! tessellation look-alikes came 116–151 in chroma (their copies 29–89),
//! a houndstooth look-alike 98, and the grey and the chroma of a grid are
//! both mostly its lines. The hues took its place: first hold-out seeds
//! 1–40, 26 → 22 wrong, copies 4,657 → 4,652 (six houndstooths, above);
//! seeds 41–44, 6 → 4 of 336, copies 467 → 466; second hold-out seeds
//! 1–12, 4 → 3 of 1,056, seeds 13–14, 6 → 1 of 176, copies as before;
//! photographs and flat artwork unchanged. Still not told apart: an
//! overcheck of other colours every fourth of its repeats (the part lined
//! up shows one line of either), and a tessellation look-alike whose hues
//! agree 0.78 at some repeat. A rectangle of two colours only (a part of
//! a few tiles) agrees with any other of two colours laid out alike: a
//! turn and a scale take one pair to the other.
//!
//! # Crops
//!
//! The crops of a work that are indexed ([`CROP_SIZES`], [`ZOOM_SIZES`])
//! are a grid: each side whole or 90% or 80% of it, in three places, and
//! zooms. A seller's crop falls between them, and the one that proposes
//! it (by the coarse hash, which squeezes every rectangle to a square)
//! may have another shape. In a hold-out drawn apart from these fixtures,
//! an emblem was cut to four fifths of its height and all of its width,
//! less its dark ground, and the indexed crop nearest by the coarse hash
//! kept 80% of each side; lined up from that crop as it is, the greedy
//! search stopped 164 of 512 bits from the cut, where it had to widen one
//! side by a fifth and hold the other still. But a seller's crop is what
//! the listing image shows, only resized, so it has the listing image's
//! shape. So the indexed crop is lined up from where it is and from there
//! reshaped to the listing image's shape (same centre and area, kept
//! within the work; [`reshaped`]), and the nearer end is judged; the
//! emblem then lines up within 67. Both, because the shapes agree only
//! where the listing image and the work were trimmed alike: the rocket,
//! whose sky the work's trim cuts, cut to 76% of its width, was found
//! from the crop as indexed and missed from the reshaped one alone. On
//! five seeds of that hold-out, crop copies found went from 66 to 70 of
//! 80, and nothing else changed on any set; in the tests' cuts of the
//! fixture works between the indexed shapes, a drawing cut to the lower
//! 78% is found only so. (A landscape cut to its lower three quarters,
//! which the search does not bring near enough even when its crop is
//! ranked apart from the windows, is found as the next section's copies
//! are.)
//!
//! A seller who cuts a caption or a margin off cuts one side deep and
//! leaves the other whole: the second hold-out (`fixtures/blind-images2`)
//! cut a gig poster to 61% of its height, which no indexed crop came near
//! (80% of each side the least, or a zoom's square share). So bands are
//! indexed too ([`BAND_SIZES`]: one side whole, the other 70% or 60%, in
//! three places; 78 crops a view, from 66). Found so: that poster, a
//! botanical plate cut and watermarked, a landscape cut (first hold-out
//! seed 25); no other answer of any set changed, nor of the eight seeds
//! drawn that day. Of the fixture drawings cut to the lower
//! 62% or the right 63%, 7 of 32 were missed before, none after; cut to
//! the upper 63%, the rocket, the star and the chevrons are missed with
//! the bands as without.
//!
//! # Crops pasted
//!
//! A seller who crops a picture and then pastes it onto a background (a
//! room, a shirt) shows what neither half of the partial-match search
//! looks for: a window of the listing image meets only part of the work
//! whole, and the work's crops meet the listing image whole, background
//! and all. In the hold-out's five seeds a poster cropped and pasted
//! onto a room was missed in four, and most of the copies missed were
//! two edits, a crop among them. So, last but the patterns and only when
//! nothing matched, each window is looked up among the crops too
//! ([`WorkIndex::search_cropped`], a slot alike: [`CROP_SLOT_RADIUS`]),
//! each crop found with its nearest window. As for every search, a few
//! views are lined up: the nearest crop of each of the first
//! [`MAX_ALIGNMENTS`] views, where the window is already within
//! [`hash::GIVE_UP_ABOVE`] of the crop by the signature (an unrelated
//! picture seldom is, and lining up is what costs). The window is lined
//! up with the crop, then the crop with where the window ended, kept no
//! smaller than the smallest indexed (a crop lined up freely shrank to a
//! flat corner of a moon that a fish matched), and the nearer judged.
//!
//! A window and a crop are both picked out of many, so a part of one
//! picture comes nearer a part of another here than anywhere else: such a
//! find must be within [`CROPPED_MATCH_DISTANCE`], an eighth of the bits.
//! Over all the labelled sets (photographs, flat artwork, the hold-out's
//! five seeds), the closest that 309 line-ups of unrelated pictures came
//! was 117 of 512; of 190 line-ups of look-alikes, one came to 64 (a
//! badge of the work's layout and other words, printed on a shirt) and
//! the next 75; the copies it lined up came to 35–63. What it found: 1 of
//! the labelled photographs (the hubble at 40% on a photograph: 462 of
//! 464 now), 7 of the hold-out's 600 copies (568 → 575: a mascot and a
//! badge cropped, a mandala and a skyline cropped and watermarked, a fox,
//! a badge and a poster crop pasted onto a room), and that one badge
//! look-alike wrongly (seed 1: 4 of 84); on flat artwork nothing changed.
//! The test `a_crop_pasted_onto_a_background_is_lined_up_with_the_crop`
//! cuts each fixture photograph three ways and pastes it at 55%: 4 of the
//! 24 found without the stage, 14 with it. Cost: a picture that matches
//! nothing, against the 8 works, about 1.5 ms more (10.9 → 12.4–12.7 ms);
//! the look-ups grow with the registry (see [`CROP_SLOT_RADIUS`]).
//!
//! # What the trim takes
//!
//! The trim takes off the lines that stay within a few grey levels of the
//! picture's corners, which is what padding is, but also a plain ground
//! that comes near enough, and an edit can move a ground nearer or
//! farther. In the hold-out, a fox on a lavender ground with a pale blue
//! disc behind it, brightened by a quarter, went 244 bits of 512 from its
//! work: the ground and the disc both went nearly white and the trim took
//! the disc, which it had left in the work; no stage found it. So where
//! nothing matched whole, the picture as fetched is compared with the
//! works as registered, both untrimmed (each view the trim took some of
//! keeps its signature untrimmed, in an index of its own; one signature
//! more for the listing image, only when nothing matched whole), judged as
//! the whole picture is. That found the fox, and a mandala turned in hue
//! (trimmed alike, but with its dark ground kept the petals whose grey
//! the hue turn moved weigh less): 2 of the 600 copies of the hold-out's
//! five seeds; nothing else changed on any set. The test
//! `a_copy_the_trim_takes_more_of_is_compared_as_fetched` holds a drawing
//! with a plain band beside its figure, brightened.
//!
//! A work printed on a shirt whole, its plain margin printed too, is the
//! same case inside the picture: the figure cut out of the shirt
//! (`ground.rs`) is the print, margin and all, and the cloth's folds and
//! the light shade the margin, so nothing trims it as the work's trim
//! took it. So each figure is compared with the views untrimmed too. In
//! both hold-outs that found 12 copies more of 6,240 (11 on a shirt,
//! one padded and turned in hue), lying 3 to 28 of their 190 to
//! 320 sure bits from the work; and one look-alike more (a mandala on a
//! background, 55 of 335): in the first hold-out 33 of 3,360
//! unregistered pictures (0.98%), from 32; in the second 6 of 1,056, as
//! before.
//! Cost: one look-up a figure, only where nothing matched whole. The test
//! `a_work_printed_with_its_margin_is_compared_untrimmed` holds three of
//! those prints (`fixtures/prints`).
//!
//! # Recoloured copies
//!
//! Grey is luma, a weighted sum of red, green and blue, and a turn of hue
//! as image editors make it (HSV or HSL: Photoshop's Hue/Saturation, GIMP's,
//! Pillow's) moves each colour round the wheel and its luma with it:
//! yellow is light and blue dark. On a photograph, whose shapes are mostly
//! light and shade, that moves little (the labelled set's hue turns, made
//! by `image`'s `huerotate`, which keeps luma, are found whole); on
//! artwork in saturated colours whose shapes differ mostly by hue it moves
//! most of the picture: the hold-out's mandala turned in hue came 174 of
//! 512 from its work (the limit is 128), and four rosettes drawn so
//! (`rosette` in the tests) came past the limit at every quarter turn. The
//! turn keeps each pixel's largest and smallest channel and only moves
//! which channel holds them, so the picture's *value* (HSV's V, the largest
//! of the three) is what it was, within JPEG's error.
//!
//! So each view of a picture with colour also holds the signature of its
//! value, cut by the grey picture's trim, in an index of its own; and a
//! listing image in colour that no other stage matched is decoded again in
//! colour ([`decode::value`]: a JPEG at the smallest scale that leaves 96
//! pixels a side, since only the whole picture is hashed) and its value
//! compared whole, judged as the whole picture is: as trimmed, and trimmed
//! again by its own corners (a pad around a work on a plain ground of its
//! own leaves that ground, which the work's own trim took). The value adds
//! to luma and does not replace it: a grey copy's value is its luma, not
//! the work's value, and only luma finds it.
//!
//! Measured: the hold-out's five seeds 580 → 582 of 600 copies (seed 1's
//! mandala padded and turned in hue; seed 5's mandala turned in hue, 1 of
//! 303 sure bits off), no more unregistered pictures matched on any set
//! (lab, flat artwork, the five seeds); lab, flat artwork and the sweep
//! unchanged. The test
//! `a_copy_recoloured_by_a_hue_turn_is_found_by_its_value` turns the 8
//! photographs, the 8 drawings and the 4 rosettes a quarter, a half and
//! three quarters round: luma alone misses 13 of the 60 (the 12 rosettes
//! and the plaid turned half round), luma and value none. The tests'
//! unrelated pictures in colour come no nearer by value than 186 of 512
//! over 2,944 comparisons (1%: 212); most stock photographs are grey, and a
//! grey picture has no value to compare. It comes last, though it costs
//! less than the searches, because a search that finds a work pasted or
//! cropped names the rectangle it fills, where the value may match the
//! picture whole and farther off (a sweep's copy pasted onto a background
//! came 93 of 453 bits off so, against 3 of 444 in its window, when this
//! stage came before the searches). Cost, only for a picture in colour that
//! nothing else matched, most pictures: the second decode (1.0 ms for an
//! 800×800 q85 JPEG, as much as the first: entropy decoding, which no scale
//! avoids, is most of both) and the comparison (0.3 ms). `cargo bench
//! --bench image`, the same hour: an unmatched 800×800 colour JPEG 14.0 →
//! 15.3 ms, a random check (colour) 13.1 → 13.9 ms; a grey one 12.3 → 12.9
//! ms (a grey photograph stored as a colour JPEG is decoded small to tell
//! it is grey: 0.15 ms; the rest is the bench's noise); a copy another
//! stage finds (turned 9°, small on a plain ground) as before. Decoding
//! every picture once in colour would spare the second entropy decoding but
//! cost every picture, those that match whole too, the chroma's inverse DCT
//! and upsampling (0.45 ms more at 3/8 scale); not done.
//!
//! A pattern's match by its value is held, as a match by grey is, to the
//! pattern's profile and sett ([`WorkIndex::stands`]), but in its value:
//! the view holds both of its value ([`Held`]). They were the grey's: an
//! argyle of purple and olive of one luma (the first hold-out's seed 48)
//! is little but its thin lines in grey, and its copies matched by value
//! (6 and 16 of 304 bits off) were turned down by the profile and sett of
//! its lines. Held to its value's: copies found 7,413 → 7,426 of 7,680
//! over both hold-outs' 64 seeds (argyles mirrored and turned in hue,
//! watermarked, padded; two repeat prints), unregistered pictures matched
//! 33 of 5,440 as before; fresh seeds drawn after it (first hold-out 49–50,
//! second 17): 351 → 352 of 360 copies, 3 of 256 wrong either way;
//! photographs and flat artwork unchanged. Copies of such an argyle cut,
//! on a shirt or on a background are still missed: the pattern stage
//! reads grey only.
//!
//! # Searching the works
//!
//! Every look-up goes through a [`SlotIndex`] (`index.rs`): the whole
//! picture and, at the last stage, the turned views and the rectangles
//! cut out per angle, by signature; the partial-match search's crops of
//! works (by the picture's coarse hash) and its windows (each window's
//! coarse hash against the views of its shape, one index per shape). A
//! slot index answers the hashes within the radius that also share a
//! 16-bit slot with the query within one bit (signatures, 32 slots) or two
//! (coarse hashes, 4 slots): a first stage that looks at a fixed number of
//! table keys and about 0.8% of an unrelated registry, instead of all of
//! it, and that applies the same rule when it scans, so a small registry
//! never finds what a large one would miss. A window proposes a view when
//! it finds the view in the index; the view is then lined up from its
//! closest window, as before.
//!
//! On the labelled set the rule lost no copy: of the comparisons that
//! found the 399 copies found without it, all but one shared a slot
//! within one bit, and that one (a 10% crop, 109 bits off whole) is found
//! by the partial-match search instead; recall and false positives are
//! unchanged (`index.rs` has the distances and slot statistics). Views
//! farther than the radius are not kept: one could never be reported, and
//! it could only hide a view of its own work that is farther away still.
//!
//! What it buys, measured with random hashes standing in for the views of
//! 100 000 works (`benches/index.rs`, `listing`; the README has the
//! figures): the look-ups of an unmatched listing image, which before
//! scanned 3.2 million turned views and compared ~2000 windows with every
//! view, take a fraction of the scan's time. It is not logarithmic:
//! 0.8% of unrelated hashes remain candidates, a random read each.
//!
//! Nor does the partial-match search keep its recall at that size: it
//! lines up the six views whose closest window is nearest by the coarse
//! hash alone, and among 10,000 or 100,000 works unrelated views come as
//! near by chance. With the bench's random stand-ins, 2.6 unrelated views
//! lie within 12 bits of some window at 10,000 works and 22 at 100,000
//! (turned views: 20 and 196), where the copies the windows found on the
//! labelled set lay 4 to 20 bits from their closest window, a fifth of
//! them 12 or more. So past some thousands of works, copies found only
//! through the windows would be crowded out of the six (the README has
//! the figures). The signature tells them apart where the coarse hash
//! cannot: so past the first six, the search also lines up those of the
//! next proposals (up to [`RANKED`]) whose signature where they stand is
//! already within [`hash::GIVE_UP_ABOVE`] of the view's, up to six more
//! (see [`to_line_up`]). A copy's proposal stood within it for 32 of the
//! 39 the views' windows found on the labelled set; 1.5% of unrelated
//! proposals did, so a small registry lines up next to nothing more, and
//! the labelled set's eval is unchanged.
//!
//! # Cost
//!
//! Decoding dominates a listing image that matches whole. A JPEG is
//! decoded by libjpeg straight to grey and scaled down in the DCT domain to
//! just above the 256 pixels the hashes work on (see `decode.rs`), so
//! `hash_bytes` of an 800×800 q85 JPEG takes 1.7–1.8 ms of CPU (545–600
//! images/s on one core of the bench machine) where decoding it whole to
//! RGB with zune-jpeg through `image` took 3.8 ms (262/s), measured in turn
//! with the thread's CPU clock, the naive `image` + image_hasher path
//! taking 7.2–7.7 ms (about 4.4× ours). Most of what is left is entropy
//! decoding, which no scaling avoids.
//!
//! The partial-match search runs on every image that matches nothing (most
//! of them): `compare` of an unrelated 400×400 JPEG against the 8 works
//! takes about 16 ms on one core (33 ms before the hashes stopped
//! allocating and rounding); see the bench. Most of it is the coarse hash
//! of the ~2000 windows, then the alignment probes. The turned stage after
//! it adds 256 signature comparisons and at most 16 signatures of cut
//! rectangles, against the search's hundreds of alignment probes: the
//! bench saw no change in the time of an unmatched image (10.3 ms for a
//! 400×400 JPEG, 11.9 ms before, within its noise); a copy turned 9° with
//! filled corners, found only by the last stage, takes 9.1 ms. The
//! windows looked up among the crops (*Crops pasted*) add about 1.5 ms
//! to an unmatched picture against 8 works. Building the index
//! turns each view 16 times (at most 256×256 pixels each).

mod decode;
mod ground;
mod hash;
pub mod index;
mod marks;
mod sett;
#[cfg(test)]
mod tests;
mod turn;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use ::image::{GrayImage, Luma};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::registry::Work;
use crate::model::{Failure, ImageMatch, ImageReport, ListingImage, Region};

use self::decode::{Picture, Refusal};
use self::hash::{Hues, Integral, Profile, Rect};
use self::index::{SlotIndex, Slotted, StrictCoarse};
use self::sett::{Agreement, Sett, SETT_AGREEMENT};

pub use self::hash::{Hash256, Signature};
pub(crate) use self::turn::turn;

/// The most bits of the 512-bit signature that may differ for a listing
/// image, whole, to count as a work: a quarter. See the module docs.
pub const MATCH_DISTANCE: u32 = Signature::BITS / 4;

/// The same for a rectangle found by the partial-match search: a fifth.
/// Stricter because the search picks the best of hundreds of rectangles,
/// which brings unrelated pictures closer than one comparison does.
pub const SEARCH_MATCH_DISTANCE: u32 = Signature::BITS / 5;

/// The same for a rectangle lined up with a crop of a work (a crop pasted
/// onto a background: [`WorkIndex::search_cropped`]): an eighth. That
/// stage looks up every window among every crop of every work, dozens of
/// times the pairs of the partial-match search, and a part of one picture
/// lined up with a part of another comes closer still. See the module
/// docs, *Crops pasted*.
pub const CROPPED_MATCH_DISTANCE: u32 = Signature::BITS / 8;

/// How many bits a slot of a window's coarse hash may differ by for a crop
/// to be its candidate in [`WorkIndex::search_cropped`]: none, a slot
/// alike, asked of the crops' own index. The crops are some sixty a view
/// and every window of a picture asks for them, so these look-ups grow
/// with the registry as no other stage's do. Over the synthetic views of
/// `cargo bench --bench index` (`windows_among_crops`, the 852 windows
/// of one shape then, 1,077 now), at none they took 1.4 ms at 10,000
/// works and 10.8 ms at 100,000, where all the other look-ups of an
/// unmatched picture took 10.6 and 47.5 ms in the same run; at one bit a
/// slot (68 keys a window, not 4), 16 and 158 ms. (Those are the windows of one shape: every
/// window of each shape of the registry's views asks all the crops, so a
/// registry of views of three shapes asks three times as many; asking
/// only the crops of views of the window's shape lost 2 copies on the
/// labelled sets.) One bit found more (18 of the tests' 24 crops
/// pasted, not 14; as many of the hold-out's copies, and one look-alike
/// fewer), at a cost a large registry could not bear.
pub const CROP_SLOT_RADIUS: u32 = 0;

/// How far by all 512 bits a work's view may be from a picture and still be
/// judged on the bits the view is sure of: three eighths. Flat artwork
/// leaves many bits unsure, which a copy sets either way, so a copy of a
/// logo may stand farther than [`MATCH_DISTANCE`] by all of them.
const CANDIDATE_DISTANCE: u32 = hash::GIVE_UP_ABOVE;

/// How well a pattern's find must agree with the pattern where its lines
/// lie ([`Profile::agreement`], a correlation: 1 the same, 0 unrelated):
/// halfway. Copies of the registered plaid agreed with what they matched
/// by 0.73 (under a caption band) or more, most by 0.95 or more; checks of
/// other setts that the signature took for it, by 0.43 at most in the
/// first 900 drawn, by 0.60–0.70 in 4 of 4,800 drawn later, which
/// [`TURNED_PATTERN_AGREEMENT`] and [`SETT_STANDS`] turn down.
const PATTERN_AGREEMENT: f32 = 0.5;

/// The same for a find of a turned view, which nothing else checks:
/// turned copies of the plaid agreed by 0.94–0.97; checks of other setts
/// the turned views took for it (4 of 4,800 random checks, plain, zoomed,
/// pasted small or printed on a shirt), by 0.60–0.69.
const TURNED_PATTERN_AGREEMENT: f32 = 0.8;

/// How well a pattern's find, unturned and whole, must agree with the
/// pattern as registered by its [`Sett`] where it shows one: copies of the
/// plaid agreed by 0.86–0.98; the check of another sett that the
/// signature took for it (the fourth of those 4 of 4,800), by 0.57.
const SETT_STANDS: f32 = 0.75;

/// The least contrast, in levels of 255, of a pattern's chroma where a
/// match placed it, for its colours to be checked: coloured lines among
/// threads of little colour differ by far more; a grey pattern's chroma is
/// the noise of its file.
const MIN_CHROMA_CONTRAST: f32 = 24.0;

/// How closely ([`Hues::agreement`]) a listing image's hues must agree
/// with a pattern's, at some whole repeat from where the grey lined it
/// up, for a match the pattern's sett placed to stand: the correlation
/// whose square is one half, half the variation of the listing's colours
/// about their mean in step with the pattern's (see the module docs,
/// *Patterns in colour*).
const HUE_AGREEMENT: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// How many times less (or more) colourful than a pattern's a listing
/// image's chroma may be on average, where the pattern's match lies, for
/// its colours to be checked. Beyond that the copy was greyed or faded
/// (chroma gone) or printed on a coloured garment, every thread tinted
/// with the garment's colour: the plaid printed on a blue shirt
/// (`knockoff fixtures artwork`, and its test's), its chroma there 0.44
/// and 0.52 of the plaid's and unrelated to it. The hold-outs' copies on
/// shirts of paler colours keep 0.64–0.79 of it.
const SAME_COLOURFULNESS: f32 = 1.5;

/// How many of the rectangles whose setts agree with a pattern's are lined
/// up with it, best first (see [`WorkIndex::patterns`]).
const SETTS_LINED_UP: usize = 4;

/// How many places of a pattern's view each of those rectangles is lined
/// up at, nearest first (see [`WorkIndex::line_up_part`]).
const PLACES_LINED_UP: usize = 2;

/// The most repeats of a pattern, each way, that its part is hashed over
/// to tell it from another pattern of the same repeat: the fine signature
/// reads 16 frequencies a side, so four repeats leave four a repeat (see
/// [`WorkIndex::line_up_part`]).
const REPEATS_HASHED: f32 = 4.0;

/// The finest repeat, in pixels of the picture read, at which a pattern's
/// part is lined up as it stands: its [`REPEATS_HASHED`] repeats fill the
/// fine signature's 32 samples a side, a pixel or more each. Finer, the
/// picture is decoded again larger (see the module docs, *Patterns finer
/// than the picture read*).
const FINEST_REPEAT: f32 = 32.0 / REPEATS_HASHED;

/// The longest side a picture is decoded at to read a pattern finer
/// ([`WorkIndex::finer_patterns`]): twice the usual, four times the pixels.
const FINER_SIDE: u32 = 2 * decode::WORK_SIDE;

/// The most bits of the 64-bit hash that may differ for a window or crop
/// to be worth lining up. It only proposes; [`MATCH_DISTANCE`] decides.
const PROPOSE_DISTANCE: u32 = 20;

/// How many proposals per listing image are lined up, best first.
const MAX_ALIGNMENTS: usize = 6;

/// How far down the proposals (of distinct views, by coarse distance) the
/// search looks past the first [`MAX_ALIGNMENTS`] for ones already close
/// by the signature where they stand (see [`to_line_up`]).
const RANKED: usize = 128;

/// How many of the works a shape's windows find (the nearest by the
/// windows that found them) the search seeks the closest window of, over
/// all the windows. Eight times [`RANKED`], as one view's turned views
/// can take up to 16 of the places and only one per view is kept; a
/// registry whose windows find fewer (a small one, any of the labelled
/// set's) is searched as if there were no limit. At 100,000 works the
/// windows find some 200,000 views and turned views a picture, and
/// comparing each with every window was most of the search's time.
pub const CLOSEST_SOUGHT: usize = 8 * RANKED;

/// Window sizes, as fractions of the largest window of an aspect ratio
/// that fits the listing image, each about 0.89 of the one before: a work
/// pasted at 30–95% of the image is within about 6% of one of them, which
/// the alignment search closes.
///
/// The four under half the side were added for works shown small, on a
/// product photo or among other things: before the first three, 8 of the
/// labelled set's 48 works pasted at 35–45% of the side were found; with
/// them, 45. They nearly doubled the windows ([`SMALL_WINDOW_STEP`]), and
/// a picture that matches nothing whole took about 38% longer (the
/// labelled set's eval, one thread: 11.1 → 15.2 s); no unregistered
/// picture matched either way. The last, 31%, for a print on a T-shirt,
/// which a seller's mock-up often shows at 30–35% of the photograph's
/// side, where the work was 6–15% smaller than the smallest window: with
/// the small windows proposed apart ([`Shape`]), it found 10 more copies
/// over the drawn-blind seeds and the labelled set (1,920 and 464),
/// where none of their 2,456 unregistered pictures matched either way,
/// for 26% more windows (852 → 1,077 of one shape) and some 18% more
/// time for a picture that matches nothing (see the README, *Prints at
/// a third of the side*).
const WINDOW_SCALES: [f32; 10] = [0.9, 0.8, 0.71, 0.63, 0.56, 0.5, 0.44, 0.39, 0.35, 0.31];

/// Windows of one size are placed this fraction of their size apart (and
/// always at both ends), so a work lies at most half a step from one.
const WINDOW_STEP: f32 = 0.08;

/// The step of the windows under half the picture's side: twice as wide,
/// as there are many more places for them, and still leaving a work at
/// most 8% of its size from a window, within the alignment's reach (at
/// 0.2, 10%, 38 of those 48 works were found).
const SMALL_WINDOW_STEP: f32 = 0.16;

/// The scale under which a window is small: placed farther apart
/// ([`SMALL_WINDOW_STEP`]), and proposed apart ([`Shape`]).
const SMALL_WINDOW: f32 = 0.5;

/// How far apart windows of `scale` (of [`WINDOW_SCALES`]) are placed,
/// as a fraction of their size.
fn window_step(scale: f32) -> f32 {
    if scale < SMALL_WINDOW {
        SMALL_WINDOW_STEP
    } else {
        WINDOW_STEP
    }
}

/// Crops of a work that are indexed: each side may lose up to 20%.
const CROP_SIZES: [f32; 2] = [0.9, 0.8];

/// Closer crops, the same share of both sides (a zoom into the work): 18
/// more a view, where crossing these sizes with every other as
/// [`CROP_SIZES`] are would be 120. A seller who shows the middle 60% of
/// a work, enlarged, was missed by every stage before (7 of 8 works found
/// so after).
const ZOOM_SIZES: [f32; 2] = [0.7, 0.6];

/// Bands of a work, one side whole and the other kept at these shares: a
/// seller who cuts a caption or a margin off one side cuts deeper there
/// than [`CROP_SIZES`] reach, and a band is no zoom's shape.
const BAND_SIZES: [f32; 2] = [0.7, 0.6];

/// How many crops of each view are indexed ([`crops`]): every pair of
/// side spans of [`CROP_SIZES`] (three places each, and the whole side)
/// but the whole, each of [`ZOOM_SIZES`] in three places each way, and
/// each of [`BAND_SIZES`] in three places across and down.
pub const CROPS_PER_VIEW: usize =
    (1 + 3 * CROP_SIZES.len()).pow(2) - 1 + 9 * ZOOM_SIZES.len() + 2 * 3 * BAND_SIZES.len();

/// How many windows of one shape the partial-match search hashes in a
/// picture of that shape (481 of half its side and up, 596 under), for
/// the benches, which stand random hashes in for them.
pub fn windows_per_shape() -> usize {
    let side = decode::WORK_SIDE;
    windows(Rect::from_trim((0, 0, side, side)), 0).count()
}

/// The angles, in degrees, of the turned views indexed for every view:
/// every 2° out to 16° either way (see the module docs, *Turned copies*,
/// for why 2°).
const TURNS: [i8; 16] = [-16, -14, -12, -10, -8, -6, -4, -2, 2, 4, 6, 8, 10, 12, 14, 16];

/// Aspect ratios are grouped in steps of 2^(1/3) (about 1.26), from 1:2 to
/// 2:1: close enough that the coarse hash still proposes, few enough that
/// windows stay cheap.
const ASPECT_STEPS_PER_OCTAVE: f32 = 3.0;
const MAX_ASPECT_CLASS: i32 = 3;

/// An image that could not be hashed. Every variant names the culprit: the
/// work and file, or the image URL.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// Refused before decoding: too many bytes or pixels.
    #[error("{culprit}: {excess}")]
    TooLarge { culprit: String, excess: Excess },
    /// Not an image we can read (truncated, corrupt, unsupported format).
    #[error("{culprit}: cannot decode image: {reason}")]
    Decode { culprit: String, reason: String },
    /// A work's file could not be read.
    #[error("{culprit}: cannot read file: {source}")]
    Io {
        culprit: String,
        #[source]
        source: std::io::Error,
    },
    /// A work's image is blank or nearly so: it could never be recognised,
    /// and its hash would match other blank images.
    #[error("{culprit}: image is blank or nearly uniform, nothing to compare")]
    Featureless { culprit: String },
}

impl ImageError {
    /// The work and file, or the URL, at fault.
    pub fn culprit(&self) -> &str {
        match self {
            ImageError::TooLarge { culprit, .. }
            | ImageError::Decode { culprit, .. }
            | ImageError::Io { culprit, .. }
            | ImageError::Featureless { culprit } => culprit,
        }
    }

    /// Why, without the culprit (for a [`Failure`], which names it apart).
    pub fn reason(&self) -> String {
        match self {
            ImageError::TooLarge { excess, .. } => excess.to_string(),
            ImageError::Decode { reason, .. } => format!("cannot decode image: {reason}"),
            ImageError::Io { source, .. } => format!("cannot read file: {source}"),
            ImageError::Featureless { .. } => "image is blank or nearly uniform".to_string(),
        }
    }

    fn from_refusal(culprit: String, refusal: Refusal) -> ImageError {
        match refusal {
            Refusal::TooLarge(excess) => ImageError::TooLarge { culprit, excess },
            Refusal::Decode(reason) => ImageError::Decode { culprit, reason },
        }
    }
}

/// What made an image too large.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Excess {
    Bytes { len: usize, limit: usize },
    Pixels { width: u32, height: u32, limit: u64 },
}

impl std::fmt::Display for Excess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Excess::Bytes { len, limit } => {
                write!(f, "image is {len} bytes, over the {limit}-byte limit")
            }
            Excess::Pixels { width, height, limit } => {
                let mpx = |n: u64| {
                    let m = n as f64 / 1e6;
                    if m >= 10.0 {
                        format!("{m:.0}")
                    } else {
                        format!("{m:.1}")
                    }
                };
                let pixels = u64::from(width) * u64::from(height);
                write!(
                    f,
                    "image is {width}×{height} = {} Mpx, over the {} Mpx limit",
                    mpx(pixels),
                    mpx(limit)
                )
            }
        }
    }
}

/// How large an image may be before it is refused unread.
#[derive(Clone, Debug)]
pub struct ImageLimits {
    pub max_bytes: usize,
    pub max_pixels: u64,
}

impl Default for ImageLimits {
    /// 16 MiB and 40 megapixels: above any marketplace gallery image, below
    /// what would let one listing exhaust a worker's memory (a 40 Mpx RGBA
    /// picture is 160 MB decoded).
    fn default() -> ImageLimits {
        ImageLimits {
            max_bytes: 16 << 20,
            max_pixels: 40_000_000,
        }
    }
}

/// The hashes of one image, after its uniform borders are trimmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageHashes {
    /// The two 256-bit hashes that decide matches.
    pub signature: Signature,
    /// The 64-bit DCT hash (lower frequencies only) that proposes partial
    /// matches: less precise, far less sensitive to crops and shifts.
    pub coarse: u64,
}

/// Hashes one image (trimmed of uniform borders). Errors name the image by
/// the start of its SHA-256, since only the bytes are known here.
pub fn hash_bytes(bytes: &[u8], limits: &ImageLimits) -> Result<ImageHashes, ImageError> {
    let culprit = || format!("image sha256:{}", &sha256_hex(bytes)[..16]);
    let pic = decode::load(bytes, limits).map_err(|r| ImageError::from_refusal(culprit(), r))?;
    let integral = Integral::new(&pic.grey);
    let whole = Rect::from_trim(pic.trim);
    match (hash::fine(&integral, whole), hash::coarse(&integral, whole)) {
        (Some(signature), Some(coarse)) => Ok(ImageHashes { signature, coarse }),
        _ => Err(ImageError::Featureless { culprit: culprit() }),
    }
}

/// One registered image, or its mirror image, ready to compare.
#[derive(Debug)]
struct View {
    /// Index into `WorkIndex::ids`.
    work: usize,
    /// Index into `WorkIndex::files`: the picture the view is of.
    file: usize,
    mirrored: bool,
    /// Hashes of the whole (trimmed) picture.
    signature: Signature,
    /// The bits of `signature` the picture is sure of (see
    /// [`hash::fine_sure`]): matches are judged on those.
    sure: Signature,
    coarse: u64,
    aspect: i32,
    /// Where the picture is a pattern ([`repeats`]), its [`Profile`],
    /// which every match of it must agree with (see the module docs,
    /// *Patterns*). The partial-match search does not look for a pattern,
    /// and its crops are not indexed.
    pattern: Option<Profile>,
    /// A pattern's profile and sett in its value, where it has colour:
    /// what a match of its value must agree with (see the module docs,
    /// *Recoloured copies*).
    value_pattern: Option<Held<'static>>,
    /// A pattern's [`Sett`], where it shows two repeats or more each way:
    /// the last stage looks for the pattern cut and scaled by it.
    sett: Option<Sett>,
    /// Kept so that a crop of the work can be lined up with a listing image.
    integral: Integral,
    /// Where the trim took some of the picture: the hashes of all of it, as
    /// registered, and the bits it is sure of (see the module docs, *What
    /// the trim takes*).
    untrimmed: Option<(Signature, Signature)>,
    /// Hashes of the picture's value ([`decode::value`]), trimmed as the
    /// grey picture is, and the bits it is sure of; `None` for a grey
    /// picture (see the module docs, *Recoloured copies*).
    value: Option<(Signature, Signature)>,
    /// A pattern's colour ([`decode::Colour`]), at the size of `integral`
    /// and cut and turned as it is; `None` for a grey pattern or a picture
    /// that does not repeat (see the module docs, *Patterns in colour*).
    colour: Option<Colours>,
}

/// What a pattern's find is held to in one plane of the picture (its grey,
/// or its value), as [`WorkIndex::runs_as`] asks: the profile of what it
/// was compared with, the pattern's sett in that plane, and the size of
/// the view the sett was read in.
/// (The grey's sett is the view's own, borrowed; the value's is held
/// with the view.)
#[derive(Clone, Debug)]
struct Held<'a> {
    profile: Profile,
    sett: Option<Cow<'a, Sett>>,
    side: (f32, f32),
}

/// A picture's [`decode::Colour`], each plane as an integral image.
#[derive(Debug)]
struct Colours {
    chroma: Integral,
    hue: [Integral; 2],
}

impl Colours {
    fn of(colour: &decode::Colour) -> Colours {
        Colours {
            chroma: Integral::new(&colour.chroma),
            hue: colour.hue.each_ref().map(Integral::new),
        }
    }
}

/// A view turned by a few degrees and cropped to the largest rectangle of
/// its shape that shows no corner: what a listing image turned by that
/// much looks like, whether the seller cropped it so or the comparator
/// cuts the same rectangle out of a turned picture with filled corners.
/// Or, for a view on a plain ground, turned with its corners filled with
/// that ground and trimmed ([`Turned::of`]): a drawing turned on its page,
/// which has no corner-free rectangle (`inner` is `None`). Or, for a view
/// the trim took some of, all of the picture as registered turned and cut
/// so (see the module docs, *Turned copies*).
#[derive(Debug)]
struct Turned {
    /// Index into `WorkIndex::views`: the work and whether it is mirrored.
    view: usize,
    degrees: i8,
    /// Of the turned view trimmed as a listing image is: compared with a
    /// listing image whole, which was trimmed too (a turn can bring a
    /// band of even sky to an edge, and trimming takes it).
    signature: Signature,
    sure: Signature,
    /// Of the turned view untrimmed, and the bits it is sure of: compared
    /// with the rectangle cut out of a turned listing image with filled
    /// corners, where nothing was trimmed but the fill. `None` for a view
    /// turned with its corners filled, which is held only trimmed.
    inner: Option<(Signature, Signature)>,
    /// The coarse hash of the trimmed turned view: windows of a listing
    /// image that show a turned work on a background propose it.
    coarse: u64,
    /// For a turned view of a pattern, the profiles of what `signature`
    /// and `inner` were hashed from, as [`View::pattern`].
    pattern: Option<(Profile, Option<Profile>)>,
}

impl Turned {
    /// The view whose picture is `grey`, turned by `degrees` and hashed as
    /// the index holds it (its `view` is set when the index places the
    /// view, see [`Hashed`]); `None` if what is left shows nothing.
    /// Without `fill`, cut to the largest rectangle of its shape that shows
    /// no corner; with it, the corners filled with it (the picture's own
    /// ground) and trimmed: what a drawing on a plain ground shows turned
    /// on its page, trimmed of it, corners and all.
    fn of(grey: &GrayImage, degrees: i8, fill: Option<Luma<u8>>, pattern: bool) -> Option<Turned> {
        let turned = turn(grey, f32::from(degrees), fill);
        let (tw, th) = turned.dimensions();
        let integral = Integral::new(&turned);
        let trimmed = Rect::from_trim(decode::trim(&turned));
        let (signature, sure) = hash::fine_sure(&integral, trimmed)?;
        let inner = match fill {
            None => Some(hash::fine_sure(&integral, Rect::from_trim((0, 0, tw, th)))?),
            Some(_) => None,
        };
        let coarse = hash::coarse(&integral, trimmed)?;
        let pattern = pattern.then(|| {
            let inner = inner.map(|_| integral.profile(Rect::from_trim((0, 0, tw, th))));
            (integral.profile(trimmed), inner)
        });
        Some(Turned {
            view: 0,
            degrees,
            signature,
            sure,
            inner,
            coarse,
            pattern,
        })
    }
}

/// Whether the picture is a pattern: a part of it (the middle two fifths
/// or three tenths of each side) comes within [`SEARCH_MATCH_DISTANCE`] of
/// itself at two or more other places, each a quarter of the part's side
/// or more from it and from each other (a check, stripes, a tiled motif).
/// The partial-match search does not look for such a work: it would line
/// any pattern of its kind up with it (see the module docs, *Patterns*).
/// The places are sought on a grid of sixteenths of the picture's side,
/// and, where the picture has a [`Sett`], a whole number of its repeats
/// from the part; the nearest few are lined up, and as many more of the
/// nearest apart from them.
fn repeats(integral: &Integral, whole: Rect) -> bool {
    const GRID: f32 = 16.0;
    const LINED_UP: usize = 6;
    // Where the picture's lines repeat, the part's own places a whole
    // number of repeats away, which the grid may miss by half a repeat.
    let sett = Sett::of(integral, whole).map(|s| s.period());
    let whole_repeats = |part: Rect| -> Vec<Rect> {
        let Some((pw, ph)) = sett else {
            return Vec::new();
        };
        let steps = |from: f32, side: f32, lo: f32, hi: f32, period: f32| {
            let (first, last) = (
                ((lo - from) / period).ceil() as i32,
                ((hi - side - from) / period).floor() as i32,
            );
            (first..=last).map(move |m| from + m as f32 * period)
        };
        steps(part.x, part.w, whole.x, whole.x + whole.w, pw)
            .flat_map(|x| steps(part.y, part.h, whole.y, whole.y + whole.h, ph).map(move |y| Rect { x, y, ..part }))
            .collect()
    };
    for size in [0.4f32, 0.3] {
        let part = Rect {
            x: whole.x + whole.w * (1.0 - size) / 2.0,
            y: whole.y + whole.h * (1.0 - size) / 2.0,
            w: whole.w * size,
            h: whole.h * size,
        };
        let Some((signature, sure)) = hash::fine_sure(integral, part) else {
            continue;
        };
        let apart = |a: Rect, b: Rect| (a.x - b.x).abs() >= part.w / 4.0 || (a.y - b.y).abs() >= part.h / 4.0;
        let steps = ((1.0 - size) * GRID).round() as usize;
        let mut places: Vec<(u32, Rect)> = (0..=steps)
            .flat_map(|i| (0..=steps).map(move |j| (i, j)))
            .map(|(i, j)| Rect {
                x: whole.x + whole.w * i as f32 / GRID,
                y: whole.y + whole.h * j as f32 / GRID,
                ..part
            })
            .chain(whole_repeats(part))
            .filter(|&r| apart(r, part))
            .filter_map(|r| Some((hash::fine(integral, r)?.distance_sure(&signature, &sure), r)))
            .collect();
        places.sort_by_key(|&(d, _)| d);
        // The nearest places, then as many of the nearest apart from all
        // those: in a fine pattern every place is about as near, and the
        // nearest few may all line up on one repeat.
        let mut starts: Vec<Rect> = places.iter().take(LINED_UP).map(|&(_, r)| r).collect();
        for &(_, r) in places.iter().skip(LINED_UP) {
            if starts.len() < 2 * LINED_UP && starts.iter().all(|&s| apart(r, s)) {
                starts.push(r);
            }
        }
        let mut matched: Vec<Rect> = Vec::new();
        for r in starts {
            let Some((r, d, _)) = hash::align(integral, r, &signature, &sure) else {
                continue;
            };
            if d <= SEARCH_MATCH_DISTANCE && apart(r, part) && matched.iter().all(|&m| apart(r, m)) {
                matched.push(r);
                if matched.len() >= 2 {
                    return true;
                }
            }
        }
    }
    false
}

/// The picture cut to its trim, and all of that as a rectangle: what a
/// work's views are hashed from.
fn cut_to_trim(pic: &Picture) -> (GrayImage, Rect) {
    let (x, y, w, h) = pic.trim;
    let trimmed = ::image::imageops::crop_imm(&pic.grey, x, y, w, h).to_image();
    (trimmed, Rect::from_trim((0, 0, w, h)))
}

/// One view of a work hashed, with its turned views and crops, before the
/// index gives it its place: their `view` is set then.
struct Hashed {
    view: View,
    turned: Vec<Turned>,
    crops: Vec<Crop>,
}

impl Hashed {
    /// The views of the picture `pic` of work `work`: as trimmed, and its
    /// mirror image; `value` is the picture's value, where it has colour,
    /// and `colour` gives its colour, asked only of a pattern.
    /// `None` where it is blank or nearly so.
    fn views(
        (work, file): (usize, usize),
        pic: &Picture,
        value: Option<&GrayImage>,
        colour: impl FnOnce() -> Option<decode::Colour>,
    ) -> Option<Vec<Hashed>> {
        let (trimmed, whole) = cut_to_trim(pic);
        // Cut as the grey picture is: a listing image's value is cut by the
        // grey picture's trim too.
        let value = value.map(|value| {
            let at = Rect::from_trim(pic.trim).resized(pic.grey.dimensions(), value.dimensions());
            let mirror = ::image::imageops::flip_horizontal(value);
            [(value, at), (&mirror, at.mirrored(value.width()))].map(|(v, rect)| {
                let integral = Integral::new(v);
                Some((hash::fine_sure(&integral, rect), integral, rect))
            })
        });
        let value = value.unwrap_or([None, None]);
        let mirror = ::image::imageops::flip_horizontal(&trimmed);
        // The colour of the ground the trim took off, if it took any.
        let (gw, gh) = pic.grey.dimensions();
        let took_some = pic.trim != (0, 0, gw, gh);
        let ground = took_some.then(|| Luma([decode::border(&pic.grey, (0, 0, gw, gh))]));
        // All of the picture as registered, where the trim took some, and
        // its mirror image.
        let flipped = took_some.then(|| ::image::imageops::flip_horizontal(&pic.grey));
        let as_registered = flipped.as_ref().map(|flipped| [&pic.grey, flipped]);
        let untrimmed = as_registered.map(|pics| {
            let all = Rect::from_trim((0, 0, gw, gh));
            pics.map(|grey| hash::fine_sure(&Integral::new(grey), all))
        });
        let views = [(trimmed, false), (mirror, true)].map(|(grey, mirrored)| (Integral::new(&grey), grey, mirrored));
        // A mirror image repeats where the picture does.
        let repeats = repeats(&views[0].0, whole);
        // A pattern's colour, each plane cut as the grey picture is and
        // brought to its size, and its mirror image (see the module docs,
        // *Patterns in colour*).
        let cut = |plane: &GrayImage| {
            let at = Rect::from_trim(pic.trim).resized(pic.grey.dimensions(), plane.dimensions());
            // Cut to the plane (`crop_imm` clamps), a pixel at least.
            let [x, y, w, h] = [at.x, at.y, at.w, at.h].map(|v| v.round() as u32);
            let cut = ::image::imageops::crop_imm(plane, x, y, w.max(1), h.max(1)).to_image();
            let (w, h) = (whole.w as u32, whole.h as u32);
            let plane = ::image::imageops::resize(&cut, w, h, ::image::imageops::FilterType::Triangle);
            let mirror = ::image::imageops::flip_horizontal(&plane);
            [plane, mirror]
        };
        let colour = match repeats.then(colour).flatten() {
            Some(colour) => {
                let ([chroma, chroma_mirror], [[a, a_mirror], [b, b_mirror]]) =
                    (cut(&colour.chroma), colour.hue.each_ref().map(cut));
                [
                    decode::Colour { chroma, hue: [a, b] },
                    decode::Colour {
                        chroma: chroma_mirror,
                        hue: [a_mirror, b_mirror],
                    },
                ]
                .map(|colour| Some(Colours::of(&colour)))
            }
            None => [None, None],
        };
        views
            .into_iter()
            .zip(colour)
            .zip(value)
            .map(|(((integral, grey, mirrored), colour), value)| {
                let (signature, sure) = hash::fine_sure(&integral, whole)?;
                let coarse = hash::coarse(&integral, whole)?;
                let mut turned = Vec::new();
                for degrees in TURNS {
                    // The turn keeps most of the picture, so it cannot
                    // be featureless where the whole was not.
                    turned.extend(Turned::of(&grey, degrees, None, repeats));
                    // A drawing on a plain ground is turned on its page too
                    // (see the module docs, *Turned copies*).
                    turned.extend(ground.and_then(|g| Turned::of(&grey, degrees, Some(g), repeats)));
                    // And where the trim took some of the picture, all of
                    // it turned, as a seller turns it (see the module
                    // docs, *Turned copies*).
                    let registered = as_registered.map(|pics| pics[usize::from(mirrored)]);
                    turned.extend(registered.and_then(|all| Turned::of(all, degrees, None, repeats)));
                }
                // A pattern's crops are never looked up (see [`repeats`]).
                let crops = if repeats {
                    Vec::new()
                } else {
                    (crops(whole).into_iter())
                        .filter_map(|rect| {
                            Some(Crop {
                                view: 0,
                                rect,
                                coarse: hash::coarse(&integral, rect)?,
                            })
                        })
                        .collect()
                };
                let view = View {
                    work,
                    file,
                    mirrored,
                    signature,
                    sure,
                    coarse,
                    aspect: aspect_class(whole.w / whole.h),
                    pattern: repeats.then(|| integral.profile(whole)),
                    sett: repeats.then(|| Sett::of(&integral, whole)).flatten(),
                    integral,
                    untrimmed: untrimmed.and_then(|u| u[usize::from(mirrored)]),
                    value: value.as_ref().and_then(|(signature, ..)| *signature),
                    // Read only of a pattern, the only find held to it.
                    value_pattern: value.filter(|_| repeats).map(|(_, integral, rect)| Held {
                        profile: integral.profile(rect),
                        sett: Sett::of(&integral, rect).map(Cow::Owned),
                        side: (rect.w, rect.h),
                    }),
                    colour,
                };
                Some(Hashed { view, turned, crops })
            })
            .collect()
    }
}

/// A crop of a view whose coarse hash is indexed, so that a listing image
/// that shows only part of a work is proposed for alignment.
#[derive(Debug)]
struct Crop {
    view: usize,
    rect: Rect,
    coarse: u64,
}

/// Works are registered without size limits of their own: they are the
/// user's files, not a stranger's, but a 100 Mpx scan would still be
/// decoded only to be shrunk to 256 pixels, so allow generously.
const WORK_LIMITS: ImageLimits = ImageLimits {
    max_bytes: 256 << 20,
    max_pixels: 400_000_000,
};

/// The registered works' images, hashed once at load and shared.
#[derive(Debug)]
pub struct WorkIndex {
    ids: Vec<String>,
    /// The works' pictures' files, read again to check a match's fine
    /// marks ([`marks`]).
    files: Vec<PathBuf>,
    /// The works most recently checked, prepared for the next check.
    recent: marks::Recent,
    views: Vec<View>,
    turned: Vec<Turned>,
    crops: Vec<Crop>,
    /// The aspect classes of the views: the shapes of windows worth trying.
    aspects: Vec<i32>,
    /// The views' signatures (ids are view indices), searched for the
    /// whole picture.
    whole: SlotIndex<Signature>,
    /// The signatures of the views the trim took some of, untrimmed, and
    /// their view indices: searched for the picture as fetched.
    untrimmed: (SlotIndex<Signature>, Vec<usize>),
    /// The views' values' signatures, and the view of each.
    value: (SlotIndex<Signature>, Vec<usize>),
    /// The crops' coarse hashes (ids are `crops` indices), searched for
    /// the whole picture's.
    crop_index: SlotIndex<u64>,
    /// Per aspect class of `aspects`, in order: the coarse hashes of the
    /// views of that shape, and their view indices, searched for each
    /// window of that shape.
    window_index: Vec<(SlotIndex<u64>, Vec<usize>)>,
    /// The turned views' signatures (ids are `turned` indices), searched
    /// for the whole picture.
    turned_whole: SlotIndex<Signature>,
    /// Per angle of [`TURNS`] above zero: the `inner` signatures of the
    /// views turned by it either way, and their `turned` indices, in order.
    turned_inner: Vec<(i8, SlotIndex<Signature>, Vec<usize>)>,
    /// As `window_index`, for the turned views (a turned view keeps its
    /// view's shape): ids are `turned` indices.
    turned_window_index: Vec<(SlotIndex<StrictCoarse>, Vec<usize>)>,
    /// The views that have a [`Sett`].
    setts: Vec<usize>,
}

impl WorkIndex {
    /// Loads and hashes every image of every work (and its mirror image).
    /// Error names the work and file.
    pub fn build(works: &[Work]) -> Result<WorkIndex, ImageError> {
        let files: Vec<(usize, &Path)> = works
            .iter()
            .enumerate()
            .flat_map(|(i, w)| w.images.iter().map(move |p| (i, p.as_path())))
            .collect();
        let limits = WORK_LIMITS;
        // Each picture is read, decoded and hashed on the pool (its turned
        // views and crops take most of the build: 32 turns and hashes a
        // view on a plain ground), then placed in order, as it would be
        // one by one.
        let hashed: Vec<Vec<Hashed>> = files
            .par_iter()
            .enumerate()
            .map(|(file, &(i, path))| {
                let culprit = || format!("work {}: {}", works[i].id, path.display());
                let bytes = std::fs::read(path).map_err(|source| ImageError::Io {
                    culprit: culprit(),
                    source,
                })?;
                let pic = decode::load(&bytes, &limits).map_err(|r| ImageError::from_refusal(culprit(), r))?;
                let value = decode::value(&bytes, &limits);
                Hashed::views((i, file), &pic, value.as_ref(), || decode::colour(&bytes, &limits))
                    .ok_or_else(|| ImageError::Featureless { culprit: culprit() })
            })
            .collect::<Result<_, ImageError>>()?;

        let mut index = WorkIndex {
            ids: works.iter().map(|w| w.id.clone()).collect(),
            files: files.iter().map(|&(_, path)| path.to_path_buf()).collect(),
            recent: marks::Recent::default(),
            views: Vec::new(),
            turned: Vec::new(),
            crops: Vec::new(),
            aspects: Vec::new(),
            whole: SlotIndex::default(),
            untrimmed: (SlotIndex::default(), Vec::new()),
            value: (SlotIndex::default(), Vec::new()),
            crop_index: SlotIndex::default(),
            window_index: Vec::new(),
            turned_whole: SlotIndex::default(),
            turned_inner: Vec::new(),
            turned_window_index: Vec::new(),
            setts: Vec::new(),
        };
        for Hashed { view: v, turned, crops } in hashed.into_iter().flatten() {
            let view = index.views.len();
            index.turned.extend(turned.into_iter().map(|t| Turned { view, ..t }));
            index.crops.extend(crops.into_iter().map(|c| Crop { view, ..c }));
            if v.pattern.is_none() && !index.aspects.contains(&v.aspect) {
                index.aspects.push(v.aspect);
            }
            index.views.push(v);
        }
        index.aspects.sort_unstable();
        index.setts = (0..index.views.len())
            .filter(|&v| index.views[v].sett.is_some())
            .collect();
        index.whole = SlotIndex::new(index.views.iter().map(|v| v.signature).collect());
        let (untrimmed, ids): (Vec<Signature>, Vec<usize>) = (index.views.iter().enumerate())
            .filter_map(|(v, view)| Some((view.untrimmed?.0, v)))
            .unzip();
        index.untrimmed = (SlotIndex::new(untrimmed), ids);
        let (value, ids): (Vec<Signature>, Vec<usize>) = (index.views.iter().enumerate())
            .filter_map(|(v, view)| Some((view.value?.0, v)))
            .unzip();
        index.value = (SlotIndex::new(value), ids);
        index.crop_index = SlotIndex::new(index.crops.iter().map(|c| c.coarse).collect());
        index.window_index = index
            .aspects
            .iter()
            .map(|&aspect| {
                let ids: Vec<usize> = (0..index.views.len())
                    .filter(|&v| index.views[v].aspect == aspect && index.views[v].pattern.is_none())
                    .collect();
                let coarse = SlotIndex::new(ids.iter().map(|&v| index.views[v].coarse).collect());
                (coarse, ids)
            })
            .collect();
        index.turned_window_index = index
            .aspects
            .iter()
            .map(|&aspect| {
                let ids: Vec<usize> = (0..index.turned.len())
                    .filter(|&t| {
                        let v = &index.views[index.turned[t].view];
                        v.aspect == aspect && v.pattern.is_none()
                    })
                    .collect();
                // Asked by every window of an unmatched picture, with 49
                // candidates a key at 100,000 works: see `with_copies`.
                let coarse =
                    SlotIndex::with_copies(ids.iter().map(|&t| StrictCoarse(index.turned[t].coarse)).collect());
                (coarse, ids)
            })
            .collect();
        index.turned_whole = SlotIndex::new(index.turned.iter().map(|t| t.signature).collect());
        index.turned_inner = TURNS
            .into_iter()
            .filter(|&d| d > 0)
            .map(|degrees| {
                let (ids, inner): (Vec<usize>, Vec<Signature>) = (index.turned.iter().enumerate())
                    .filter(|(_, t)| t.degrees.abs() == degrees)
                    .filter_map(|(i, t)| Some((i, t.inner?.0)))
                    .unzip();
                (degrees, SlotIndex::new(inner), ids)
            })
            .collect();
        Ok(index)
    }

    /// The number of works.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Compares one listing's images with the registered works. Never
    /// panics; a bad image becomes a Failure (URL and reason) and the rest
    /// go on.
    pub fn compare(&self, images: &[ListingImage], limits: &ImageLimits) -> ImageReport {
        let results: Vec<(String, Result<Vec<ImageMatch>, Failure>)> = images
            .par_iter()
            .map(|image| {
                let (digest, judged) = self.compare_one(image, limits, None);
                (digest, judged.map(|(matches, _)| matches))
            })
            .collect();
        report(results)
    }

    /// Compares one image with the registered works, as [`WorkIndex::compare`]
    /// does, and says how near it came to the work `work_id`: for a reader
    /// of an evaluation who wants to know whether a miss was close. `None`
    /// for a work not registered, or an image that could not be read or
    /// shows nothing.
    pub fn compare_near(
        &self,
        image: &ListingImage,
        limits: &ImageLimits,
        work_id: &str,
    ) -> (ImageReport, Option<Nearness>) {
        let (digest, judged) = self.compare_one(image, limits, Some(work_id));
        let (result, nearness) = match judged {
            Ok((matches, nearness)) => (Ok(matches), nearness),
            Err(failure) => (Err(failure), None),
        };
        (report([(digest, result)]), nearness)
    }

    /// One image's matches, and how near it came to the work `near` names.
    fn compare_one(
        &self,
        image: &ListingImage,
        limits: &ImageLimits,
        near: Option<&str>,
    ) -> (String, Result<Judged, Failure>) {
        let digest = sha256_hex(&image.bytes);
        let pic = match decode::load(&image.bytes, limits) {
            Ok(pic) => pic,
            Err(refusal) => {
                let err = ImageError::from_refusal(image.url.clone(), refusal);
                return (
                    digest,
                    Err(Failure {
                        url: image.url.clone(),
                        reason: err.reason(),
                    }),
                );
            }
        };
        let found = self.find(
            &pic,
            || decode::value(&image.bytes, limits),
            |side| decode::finer(&image.bytes, limits, side),
        );
        let nearness = near.and_then(|work| self.nearness(&pic, &found, work));
        let (ow, oh) = pic.original;
        let (sx, sy) = (
            ow as f32 / pic.grey.width() as f32,
            oh as f32 / pic.grey.height() as f32,
        );
        // Decoded again, in colour and at full size, only if a match is to
        // have its fine marks checked.
        let listing = std::cell::OnceCell::new();
        let colour = std::cell::OnceCell::new();
        let checking = Checking {
            colour: &colour,
            pic: &pic,
            bytes: &image.bytes,
            limits,
            listing: &listing,
        };
        let matches = found
            .into_iter()
            .filter(|f| f.distance <= f.limit)
            .filter(|f| !self.lacks_marks(f, &checking))
            .filter(|f| !self.lacks_colours(f, &checking))
            .map(|f| {
                let view = &self.views[f.view];
                let region = match f.window {
                    None => Region {
                        x: 0,
                        y: 0,
                        width: ow,
                        height: oh,
                    },
                    Some(r) => {
                        let x = ((r.x * sx).round() as u32).min(ow.saturating_sub(1));
                        let y = ((r.y * sy).round() as u32).min(oh.saturating_sub(1));
                        let width = ((r.w * sx).round() as u32).clamp(1, ow - x);
                        let height = ((r.h * sy).round() as u32).clamp(1, oh - y);
                        Region { x, y, width, height }
                    }
                };
                ImageMatch {
                    work_id: self.ids[view.work].clone(),
                    image_url: image.url.clone(),
                    image_sha256: digest.clone(),
                    distance: f.differ,
                    bits: f.of,
                    mirrored: view.mirrored,
                    region,
                }
            })
            .collect();
        (digest, Ok((matches, nearness)))
    }

    /// Whether the listing image lacks the fine marks of the work `found`
    /// matched, as a look-alike drawn on the work's template does (see
    /// [`marks`]). `false` wherever the check cannot tell: a pattern, a
    /// part placed by a sett, a picture that cannot be decoded again or
    /// lined up, a work with too few marks at the listing's scale.
    fn lacks_marks(&self, found: &Found, checking: &Checking) -> bool {
        let view = &self.views[found.view];
        let degrees = match found.against {
            Against::View => 0.0,
            Against::Turned { turned, .. } => f32::from(self.turned[turned].degrees),
            Against::Part(_) => return false,
        };
        if view.pattern.is_some() {
            return false;
        }
        let Some(listing) = (checking.listing)
            .get_or_init(|| marks::Listing::of(checking.bytes, checking.limits))
            .as_ref()
        else {
            return false;
        };
        let file = view.file;
        let Some(work) = self.recent.get(file, || std::fs::read(&self.files[file]).ok()) else {
            return false;
        };
        // Where the match placed the work's trimmed picture, or the crop of
        // it compared, in the image's pixels as fetched.
        let rect = found.window.unwrap_or(Rect::from_trim(checking.pic.trim));
        let place = rect.resized(checking.pic.grey.dimensions(), checking.pic.original);
        let check = |mirrored: bool| {
            let work = work.get(mirrored);
            let (w, h) = work.dimensions();
            let part = (found.part)
                .map(|r| r.resized((view.integral.width(), view.integral.height()), (w, h)))
                .map(|r| if mirrored == view.mirrored { r } else { r.mirrored(w) });
            marks::check(work, listing, (part, place), degrees)
        };
        // A work the same either way round (a round badge) matches its
        // mirror image as well as itself, and only its lettering tells
        // which the listing shows: a copy is kept if either shows its marks.
        check(view.mirrored).is_some_and(|m| m.missing()) && check(!view.mirrored).is_none_or(|m| m.missing())
    }

    /// Whether a pattern's sett placed `found` where the listing image
    /// lacks the pattern's colours (see the module docs, *Patterns in
    /// colour*): its hues there agree with the pattern's nowhere a whole
    /// number of repeats from where the grey lined it up. `false` wherever
    /// the colours cannot tell: a match placed otherwise, a pattern whose
    /// colours do not vary, a picture without colour there (a grey copy)
    /// or that cannot be decoded again.
    fn lacks_colours(&self, found: &Found, checking: &Checking) -> bool {
        let (Against::Part(part), Some(window)) = (found.against, found.window) else {
            return false;
        };
        let view = &self.views[found.view];
        let (Some(pattern), Some((pw, ph))) = (view.colour.as_ref(), view.sett.as_ref().map(Sett::period)) else {
            return false;
        };
        let (mean, contrast) = hash::levels(&pattern.chroma, part);
        if contrast < MIN_CHROMA_CONTRAST {
            return false;
        }
        let Some(listing) = (checking.colour)
            .get_or_init(|| decode::colour(checking.bytes, checking.limits).map(|c| Colours::of(&c)))
            .as_ref()
        else {
            return false;
        };
        let shown = window.resized(
            checking.pic.grey.dimensions(),
            (listing.chroma.width(), listing.chroma.height()),
        );
        let (shown_mean, _) = hash::levels(&listing.chroma, shown);
        // Greyed, faded or tinted there: the colours cannot tell.
        if !(mean / SAME_COLOURFULNESS..=mean * SAME_COLOURFULNESS).contains(&shown_mean) {
            return false;
        }
        // The grey lines the part up to a repeat of its sett, and not
        // always the one the listing shows: a coloured line may repeat
        // less often than the grey (an overcheck every third repeat), and
        // a grid is alike at every one of its cells. Every part whole
        // repeats away, on the view, is what the listing may show.
        let hues = Hues::of(&listing.hue, shown);
        let (vw, vh) = (pattern.chroma.width() as f32, pattern.chroma.height() as f32);
        let (across, down) = ((vw / pw.max(1.0)).ceil() as i32, (vh / ph.max(1.0)).ceil() as i32);
        (-across..=across)
            .flat_map(|i| (-down..=down).map(move |j| (i as f32, j as f32)))
            .map(|(i, j)| Rect {
                x: part.x + i * pw,
                y: part.y + j * ph,
                ..part
            })
            .filter(|r| r.x >= 0.0 && r.y >= 0.0 && r.x + r.w <= vw + 0.5 && r.y + r.h <= vh + 0.5)
            .map(|r| Hues::of(&pattern.hue, r).agreement(&hues))
            .reduce(f32::max)
            .is_some_and(|agreement| agreement < HUE_AGREEMENT)
    }

    /// How near `pic` came to the work `work_id`, given what [`WorkIndex::find`]
    /// found in it: the picture whole against every view of the work (not
    /// only those the index would propose), and the closest any stage
    /// brought it.
    fn nearness(&self, pic: &Picture, found: &[Found], work_id: &str) -> Option<Nearness> {
        let work = self.ids.iter().position(|id| id == work_id)?;
        let integral = Integral::new(&pic.grey);
        let signature = hash::fine(&integral, Rect::from_trim(pic.trim))?;
        let whole = (self.views.iter().enumerate())
            .filter(|(_, v)| v.work == work)
            .map(|(i, v)| Found::judged(i, &signature, (&v.signature, &v.sure), None, MATCH_DISTANCE).distance)
            .min()?;
        let nearest = found
            .iter()
            .find(|f| self.views[f.view].work == work)
            .map(|f| (f.distance, f.limit));
        Some(Nearness {
            whole,
            whole_limit: MATCH_DISTANCE,
            nearest,
        })
    }

    /// The closest each work comes to the picture, best view per work
    /// ([`best_per_work`]). Whole and turned views are only those within
    /// [`MATCH_DISTANCE`]; what the partial-match search lined up is not
    /// yet cut at its limit.
    ///
    /// The whole picture is compared first. Only if no work is within
    /// [`MATCH_DISTANCE`] of it are
    /// partial matches looked for: windows of the picture against whole
    /// works (a work pasted onto a background) and the whole picture against
    /// crops of works (a work cropped). The 64-bit hashes propose, and the
    /// best few proposals are lined up and judged by the signature.
    fn find(
        &self,
        pic: &Picture,
        value: impl FnOnce() -> Option<GrayImage>,
        larger: impl FnOnce(u32) -> Option<GrayImage>,
    ) -> Vec<Found> {
        let integral = Integral::new(&pic.grey);
        let whole = Rect::from_trim(pic.trim);
        // The picture as fetched, untrimmed.
        let all = Rect::from_trim((0, 0, pic.grey.width(), pic.grey.height()));
        let (Some(signature), Some(coarse)) = (hash::fine(&integral, whole), hash::coarse(&integral, whole)) else {
            // A blank picture shows no work.
            return Vec::new();
        };
        // Hashed when the partial-match search first needs them.
        let mut hashed: Option<Windows> = None;
        // A pattern's find that its profile turns down is dropped at once,
        // so that the stages after it still look; each stage's finds are
        // checked once, as they come. (The partial-match searches never
        // propose a pattern.)
        let standing =
            |new: Vec<Found>| -> Vec<Found> { new.into_iter().filter(|f| self.stands(f, &integral, whole)).collect() };
        // Only views within MATCH_DISTANCE are kept, whole or turned: one
        // farther away can never be reported, and in `best_per_work` it
        // could only hide a view of its work still farther away.
        let mut found = standing(self.whole_matches(&signature, None));
        if !found.iter().any(|f| f.distance <= MATCH_DISTANCE) {
            found.extend(standing(self.as_fetched(&integral, all, (whole, &signature))));
        }
        if !found.iter().any(|f| f.distance <= MATCH_DISTANCE) {
            found.extend(standing(self.figures(pic, &integral, whole)));
        }
        if !found.iter().any(|f| f.distance <= MATCH_DISTANCE) {
            let windows = hashed.get_or_insert_with(|| self.hash_windows(&integral, whole));
            found.extend(self.search(&integral, windows, whole, &signature, coarse));
        }
        if !found.iter().any(|f| f.distance <= f.limit) {
            let mut turned: Vec<Found> = (self.turned_whole.within(&signature, CANDIDATE_DISTANCE).into_iter())
                .map(|(i, _)| {
                    let t = &self.turned[i as usize];
                    Found::judged(t.view, &signature, (&t.signature, &t.sure), None, MATCH_DISTANCE)
                        .turned(i as usize, false)
                })
                .filter(|f| f.distance <= MATCH_DISTANCE)
                .collect();
            turned.extend(self.unturn((&pic.grey, &integral), whole, MATCH_DISTANCE));
            // Fill of a colour close to the picture's own edge is trimmed
            // along with some of the picture, which moves the box; the
            // picture as fetched is then the better guess.
            if all != whole {
                turned.extend(self.unturn((&pic.grey, &integral), all, MATCH_DISTANCE));
            }
            found.extend(standing(turned));
        }
        if !found.iter().any(|f| f.distance <= f.limit) {
            let windows = hashed.get_or_insert_with(|| self.hash_windows(&integral, whole));
            found.extend(self.search_turned(&integral, windows));
        }
        if !found.iter().any(|f| f.distance <= f.limit) {
            let windows = hashed.get_or_insert_with(|| self.hash_windows(&integral, whole));
            found.extend(self.search_cropped(&integral, windows));
        }
        if !found.iter().any(|f| f.distance <= f.limit) && !self.setts.is_empty() {
            let side = finer_side(pic);
            let (parts, finest) = self.patterns(&integral, whole, side.is_some());
            found.extend(widest(standing(parts)));
            if let Some(side) = side.filter(|_| !found.iter().any(|f| f.distance <= f.limit)) {
                found.extend(self.finer_patterns(pic, finest, larger, side));
            }
        }
        // Last, though it is cheaper than the searches: a recoloured
        // picture is seldom anything else, and where a search finds a work
        // pasted or cropped, it names the rectangle the work fills, where
        // the value could match the picture whole, farther off.
        if !found.iter().any(|f| f.distance <= f.limit) {
            found.extend(value().map_or_else(Vec::new, |v| self.recoloured(pic, &v)));
        }
        best_per_work(&self.views, found)
    }

    /// Whether a find stands: every find does but a pattern's, whose
    /// rectangle of the picture must run across and down as what it was
    /// compared with does, its [`Profile`] agreeing by at least
    /// [`PATTERN_AGREEMENT`] ([`TURNED_PATTERN_AGREEMENT`] with a turned
    /// view), and which, compared with the pattern as registered, must
    /// repeat as it does where it shows two repeats or more (its [`Sett`]
    /// agreeing by [`SETT_STANDS`]; see the module docs, *Patterns*). A
    /// part of a pattern was proposed by its sett already.
    fn stands(&self, found: &Found, integral: &Integral, whole: Rect) -> bool {
        let view = &self.views[found.view];
        let held = match found.against {
            Against::View => view.pattern,
            Against::Turned { turned, inner } => {
                let pattern = self.turned[turned].pattern;
                pattern.and_then(|(trimmed, untrimmed)| if inner { untrimmed } else { Some(trimmed) })
            }
            Against::Part(part) => view.pattern.map(|_| view.integral.profile(part)),
        };
        let held = held.map(|profile| Held {
            profile,
            sett: view.sett.as_ref().map(Cow::Borrowed),
            side: (view.integral.width() as f32, view.integral.height() as f32),
        });
        self.runs_as(found, held.as_ref(), integral, found.window.unwrap_or(whole))
    }

    /// What [`WorkIndex::stands`] asks of a pattern's find, in any plane of
    /// the picture (its grey, or its value): that `rect` of `integral` runs
    /// across and down as what it was compared with does, and repeats as
    /// the pattern does in that plane (`held`). Every find stands where
    /// nothing is held (a work that is no pattern).
    fn runs_as(&self, found: &Found, held: Option<&Held>, integral: &Integral, rect: Rect) -> bool {
        let Some(held) = held else {
            return true;
        };
        let least = match found.against {
            Against::Turned { .. } => TURNED_PATTERN_AGREEMENT,
            _ => PATTERN_AGREEMENT,
        };
        if integral.profile(rect).agreement(&held.profile) < least {
            return false;
        }
        match (found.against, Sett::of(integral, rect), held.sett.as_deref()) {
            (Against::View, Some(sett), Some(work)) => {
                // What of the view the rectangle was compared with, in the
                // view's pixels: a crop of it, or all of it.
                let compared = found.part.map_or(held.side, |part| (part.w, part.h));
                let scale = (rect.w / compared.0, rect.h / compared.1);
                let stands = |sett: &Sett| {
                    sett.agreement(work, SETT_STANDS)
                        .is_some_and(|a| a.score >= SETT_STANDS && a.scaled_as(scale))
                };
                // Read at its own repeat, or at the work's as a copy at
                // this scale shows it, where its own is another peak of
                // a line whose peaks come near alike ([`Sett::at`]).
                let (pw, ph) = work.period();
                stands(&sett) || Sett::at(integral, rect, (pw * scale.0, ph * scale.1)).is_some_and(|s| stands(&s))
            }
            _ => true,
        }
    }

    /// The last stage: the registered patterns looked for by their
    /// [`Sett`] (`sett.rs`) in the picture whole and in square windows of
    /// it (those of the partial-match search), cut and scaled anyhow. For
    /// each view, the [`SETTS_LINED_UP`] rectangles whose setts agree best,
    /// by [`SETT_AGREEMENT`] or more, are lined up with the part of the
    /// view each shows ([`WorkIndex::line_up_part`]): the window that
    /// agrees best may take in some of what is around the pattern, which
    /// the fold shrugs off and the hashes do not.
    ///
    /// Also the finest repeat, in the picture's pixels, that the
    /// rectangles agreeing best show a pattern at: where it is finer than
    /// [`FINEST_REPEAT`], the picture is read again larger
    /// ([`WorkIndex::finer_patterns`]). Where it will be (`finer`), those
    /// rectangles are not lined up here, where they came too far to match.
    fn patterns(&self, integral: &Integral, whole: Rect, finer: bool) -> (Vec<Found>, Option<f32>) {
        let mut agreeing: Vec<(usize, Rect, Agreement)> = Vec::new();
        for rect in std::iter::once(whole).chain(windows(whole, 0).map(|(rect, _)| rect)) {
            let Some(sett) = Sett::of(integral, rect) else {
                continue;
            };
            agreeing.extend(self.setts.iter().filter_map(|&v| {
                let a = sett.agreement(self.views[v].sett.as_ref()?, SETT_AGREEMENT)?;
                (a.score >= SETT_AGREEMENT).then_some((v, rect, a))
            }));
        }
        agreeing.sort_by(|a, b| b.2.score.total_cmp(&a.2.score));
        let mut tried: Vec<usize> = Vec::new();
        agreeing.retain(|&(v, _, _)| {
            tried.push(v);
            tried.iter().filter(|&&t| t == v).count() <= SETTS_LINED_UP
        });
        // The view's repeat in the picture's pixels, the finer way.
        let repeat = |v: usize, a: Agreement| {
            let (pw, ph) = self.views[v].sett.as_ref()?.period();
            Some((pw * a.scale.0).min(ph * a.scale.1))
        };
        let finest = agreeing.iter().filter_map(|&(v, _, a)| repeat(v, a)).reduce(f32::min);
        let found = (agreeing.into_iter())
            .filter(|&(v, _, a)| !finer || repeat(v, a).is_some_and(|r| r >= FINEST_REPEAT))
            .flat_map(|(v, rect, a)| self.line_up_part(integral, whole, v, rect, a))
            .collect();
        (found, finest)
    }

    /// The registered patterns looked for again ([`WorkIndex::patterns`])
    /// in the picture decoded larger by `larger`, `side` pixels on its
    /// longer side ([`finer_side`]), where the rectangles that agreed with
    /// a pattern's sett showed its repeat `finest` finer than
    /// [`FINEST_REPEAT`]. The finds' rectangles are given back in the
    /// picture's pixels. See the module docs, *Patterns finer than the
    /// picture read*.
    fn finer_patterns(
        &self,
        pic: &Picture,
        finest: Option<f32>,
        larger: impl FnOnce(u32) -> Option<GrayImage>,
        side: u32,
    ) -> Vec<Found> {
        if !finest.is_some_and(|repeat| repeat < FINEST_REPEAT) {
            return Vec::new();
        }
        let read = pic.grey.dimensions();
        let Some(grey) = larger(side) else {
            return Vec::new();
        };
        let integral = Integral::new(&grey);
        let whole = Rect::from_trim(pic.trim).resized(read, grey.dimensions());
        let (parts, _) = self.patterns(&integral, whole, false);
        let standing = (parts.into_iter())
            .filter(|f| self.stands(f, &integral, whole))
            .collect();
        (widest(standing).into_iter())
            .map(|f| Found {
                window: f.window.map(|r| r.resized(grey.dimensions(), read)),
                ..f
            })
            .collect()
    }

    /// The part of view `v` that `rect` of the picture shows, by their
    /// setts' agreement `a` (its scale, and where the rectangle's edge
    /// falls in the view's repeat), hashed; the picture lined up with it
    /// and judged as the partial-match search's finds are.
    ///
    /// The fold tells where the rectangle's edge falls within a repeat,
    /// not within which repeat of the view, nor whether the view reaches
    /// that far: a swatch pasted on a photograph agrees best in windows
    /// that take in some of the photograph too. So the view is placed at
    /// each whole repeat either way that leaves at least half the
    /// rectangle's side on it, and cut to the picture and to the
    /// rectangle; the [`PLACES_LINED_UP`] places nearest the view's part
    /// as they stand are lined up, and each is returned ([`widest`] picks).
    fn line_up_part(&self, integral: &Integral, whole: Rect, v: usize, rect: Rect, a: Agreement) -> Vec<Found> {
        let view = &self.views[v];
        let Some((pw, ph)) = view.sett.as_ref().map(Sett::period) else {
            return Vec::new();
        };
        let (sx, sy) = a.scale;
        let (vw, vh) = (view.integral.width() as f32, view.integral.height() as f32);
        // Where, in the view's pixels, the rectangle's edge may lie: a
        // whole number of repeats from its phase, with half its side or
        // more on the view.
        let starts = |side: f32, scale: f32, phase: f32, period: f32, view_side: f32| -> Vec<f32> {
            let (lo, hi) = (-side / (2.0 * scale), view_side - side / (2.0 * scale));
            let first = (lo / period - phase).ceil() as i32;
            let last = (hi / period - phase).floor() as i32;
            (first..=last).map(|m| (phase + m as f32) * period).collect()
        };
        // Each place: how far it is as it stands, what it shows of the
        // picture and of the view, and the view's part hashed.
        let mut places: Vec<(u32, Rect, Rect, Signature, Signature)> = Vec::new();
        for at_x in starts(rect.w, sx, a.phase.0, pw, vw) {
            for at_y in starts(rect.h, sy, a.phase.1, ph, vh) {
                let placed = Rect {
                    x: rect.x - at_x * sx,
                    y: rect.y - at_y * sy,
                    w: vw * sx,
                    h: vh * sy,
                };
                for bound in [whole, rect] {
                    let Some(shown) = placed.intersection(bound) else {
                        continue;
                    };
                    if places.iter().any(|p| p.1 == shown) {
                        continue;
                    }
                    let part = Rect {
                        x: (shown.x - placed.x) / sx,
                        y: (shown.y - placed.y) / sy,
                        w: shown.w / sx,
                        h: shown.h / sy,
                    };
                    let (Some((signature, sure)), Some(listing)) =
                        (hash::fine_sure(&view.integral, part), hash::fine(integral, shown))
                    else {
                        continue;
                    };
                    let (differ, of) = listing.distance_within(&signature, &sure);
                    places.push((Signature::as_likely((differ, of)), shown, part, signature, sure));
                }
            }
        }
        places.sort_by_key(|p| p.0);
        let line_up = |shown: Rect, part: Rect, signature: &Signature, sure: &Signature| {
            let (lined, _, listing) = hash::align(integral, shown, signature, sure)?;
            let found = Found::judged(v, &listing, (signature, sure), Some(lined), SEARCH_MATCH_DISTANCE);
            Some(Found {
                against: Against::Part(part),
                ..found
            })
        };
        places
            .into_iter()
            .take(PLACES_LINED_UP)
            .filter_map(|(_, shown, part, signature, sure)| {
                let found = line_up(shown, part, &signature, &sure)?;
                // A part of many repeats is hashed coarser than one repeat,
                // and any two patterns of the same repeat look alike there
                // (a gingham took for a houndstooth, 2 bits of 280 apart):
                // its middle [`REPEATS_HASHED`] repeats each way must line
                // up too (a find past its limit needs no second look). A
                // find keeps the wider rectangle, as evidence.
                let (cut_w, cut_h) = (part.w.min(REPEATS_HASHED * pw), part.h.min(REPEATS_HASHED * ph));
                if (cut_w, cut_h) == (part.w, part.h) || found.distance > found.limit {
                    return Some(found);
                }
                let middle = Rect {
                    x: part.x + (part.w - cut_w) / 2.0,
                    y: part.y + (part.h - cut_h) / 2.0,
                    w: cut_w,
                    h: cut_h,
                };
                let middle_shown = Rect {
                    x: shown.x + (middle.x - part.x) * sx,
                    y: shown.y + (middle.y - part.y) * sy,
                    w: cut_w * sx,
                    h: cut_h * sy,
                };
                let (signature, sure) = hash::fine_sure(&view.integral, middle)?;
                let close = line_up(middle_shown, middle, &signature, &sure)?;
                // Past its limit, the middle is how near the pattern came.
                Some(if close.distance <= close.limit { found } else { close })
            })
            .collect()
    }

    /// Compares the works whole with the figures the picture shows on a
    /// plain ground, then, if none matched, with the cells it would have
    /// as a collage (`ground.rs`): rectangles chosen without looking at
    /// any work, a few dozen a picture, so judged like the whole picture.
    fn figures(&self, pic: &Picture, integral: &Integral, whole: Rect) -> Vec<Found> {
        let mut found = Vec::new();
        for stage in ground::regions(&pic.grey, pic.trim) {
            if found.iter().any(|f: &Found| f.distance <= MATCH_DISTANCE) {
                break;
            }
            for rect in stage.into_iter().filter(|&r| r != whole) {
                if let Some(signature) = hash::fine(integral, rect) {
                    found.extend(self.whole_matches(&signature, Some(rect)));
                    found.extend(self.untrimmed_matches(&signature, rect));
                }
            }
        }
        found
    }

    /// The views within [`MATCH_DISTANCE`] of the signature of the picture
    /// or of its `window`, judged on the bits each is sure of.
    fn whole_matches(&self, signature: &Signature, window: Option<Rect>) -> Vec<Found> {
        self.whole
            .within(signature, CANDIDATE_DISTANCE)
            .into_iter()
            .map(|(view, _)| {
                let v = &self.views[view as usize];
                Found::judged(
                    view as usize,
                    signature,
                    (&v.signature, &v.sure),
                    window,
                    MATCH_DISTANCE,
                )
            })
            .filter(|f| f.distance <= MATCH_DISTANCE)
            .collect()
    }

    /// The picture's value (see [`decode::value`]) against the works',
    /// whole: as trimmed, and trimmed again by its own corners (a pad
    /// around a work on a plain ground of its own leaves that ground when
    /// trimmed, where the work's own trim took it). Only those within
    /// [`MATCH_DISTANCE`]. See the module docs, *Recoloured copies*.
    fn recoloured(&self, pic: &Picture, value: &GrayImage) -> Vec<Found> {
        let integral = Integral::new(value);
        let whole = Rect::from_trim(pic.trim);
        let again = Rect::from_trim(decode::trim_within(&pic.grey, pic.trim));
        let (index, ids) = &self.value;
        let mut found = Vec::new();
        for (rect, window) in [(whole, None), (again, Some(again))] {
            if window.is_some() && rect == whole {
                continue;
            }
            let at = rect.resized(pic.grey.dimensions(), value.dimensions());
            let Some(signature) = hash::fine(&integral, at) else {
                continue;
            };
            found.extend(
                (index.within(&signature, CANDIDATE_DISTANCE).into_iter())
                    .filter_map(|(i, _)| {
                        let view = ids[i as usize];
                        let (work, sure) = self.views[view].value.as_ref()?;
                        Some(Found::judged(view, &signature, (work, sure), window, MATCH_DISTANCE))
                    })
                    .filter(|f| f.distance <= MATCH_DISTANCE)
                    // A pattern's, judged by its value as the others are
                    // by their grey: where its colours differ in hue more
                    // than in light (an argyle of two colours of one
                    // luma), the grey shows little but its lines.
                    .filter(|f| self.runs_as(f, self.views[f.view].value_pattern.as_ref(), &integral, at)),
            );
        }
        found
    }

    /// The picture as fetched, untrimmed, against the works as registered,
    /// untrimmed, where the trim took some of them (see the module docs,
    /// *What the trim takes*): only those within [`MATCH_DISTANCE`].
    /// `all` is the picture as fetched, `trimmed` the picture as trimmed
    /// and its signature.
    fn as_fetched(&self, integral: &Integral, all: Rect, trimmed: (Rect, &Signature)) -> Vec<Found> {
        // Untrimmed, the picture as fetched is the one already hashed.
        let fetched = if trimmed.0 == all {
            Some(*trimmed.1)
        } else {
            hash::fine(integral, all)
        };
        let Some(signature) = fetched else {
            return Vec::new();
        };
        self.untrimmed_matches(&signature, all)
    }

    /// The views the trim took some of, untrimmed, within
    /// [`MATCH_DISTANCE`] of the signature of `window`, judged on the bits
    /// each is sure of.
    fn untrimmed_matches(&self, signature: &Signature, window: Rect) -> Vec<Found> {
        let (index, ids) = &self.untrimmed;
        (index.within(signature, CANDIDATE_DISTANCE).into_iter())
            .filter_map(|(i, _)| {
                let view = ids[i as usize];
                let (work, sure) = self.views[view].untrimmed.as_ref()?;
                Some(Found::judged(
                    view,
                    signature,
                    (work, sure),
                    Some(window),
                    MATCH_DISTANCE,
                ))
            })
            .filter(|f| f.distance <= MATCH_DISTANCE)
            .collect()
    }

    /// Compares the turned views with the rectangle a picture would show
    /// if it were one of them turned with its corners filled: for each
    /// angle, the picture is taken as the bounding box of a turned
    /// rectangle, and the largest rectangle of that one's shape that shows
    /// no corner is cut out of it. One fixed rectangle per angle, chosen
    /// without looking at any work, so it is judged like the whole picture.
    /// The cut is compared as it is with the turned views untrimmed, and,
    /// where it has a plain ground of its own, trimmed as a listing image
    /// is with the turned views trimmed: a drawing on white, turned with
    /// its corners filled black, keeps its white inside the cut, as the
    /// turned views (trimmed, their work trimmed before it was turned) do
    /// not. Only turned views within `radius` are returned.
    fn unturn(&self, (grey, integral): (&GrayImage, &Integral), whole: Rect, radius: u32) -> Vec<Found> {
        let mut found = Vec::new();
        for (degrees, inner, ids) in &self.turned_inner {
            let Some(rect) = unturned(whole, f32::from(*degrees)) else {
                continue;
            };
            if let Some(signature) = hash::fine(integral, rect) {
                found.extend(
                    inner
                        .within(&signature, CANDIDATE_DISTANCE)
                        .into_iter()
                        .filter_map(|(i, _)| {
                            let t = &self.turned[ids[i as usize]];
                            let (inner, sure) = t.inner.as_ref()?;
                            Some(
                                Found::judged(t.view, &signature, (inner, sure), Some(rect), MATCH_DISTANCE)
                                    .turned(ids[i as usize], true),
                            )
                        })
                        .filter(|f| f.distance <= radius),
                );
            }
            let Some((cut, signature)) = trimmed(grey, rect).and_then(|r| Some((r, hash::fine(integral, r)?))) else {
                continue;
            };
            found.extend(
                self.turned_whole
                    .within(&signature, CANDIDATE_DISTANCE)
                    .into_iter()
                    .map(|(i, _)| (i as usize, &self.turned[i as usize]))
                    .filter(|(_, t)| t.degrees.abs() == *degrees)
                    .map(|(i, t)| {
                        Found::judged(t.view, &signature, (&t.signature, &t.sure), Some(cut), MATCH_DISTANCE)
                            .turned(i, false)
                    })
                    .filter(|f| f.distance <= radius),
            );
        }
        found
    }

    fn search(
        &self,
        integral: &Integral,
        windows: &Windows,
        whole: Rect,
        signature: &Signature,
        coarse: u64,
    ) -> Vec<Found> {
        // (coarse distance, view, where to start aligning, what proposed it)
        let mut proposals: Vec<(u32, usize, Rect, Proposer)> = Vec::new();
        for (c, d) in self.crop_index.within(&coarse, PROPOSE_DISTANCE) {
            let crop = &self.crops[c as usize];
            proposals.push((d, crop.view, crop.rect, Proposer::Crop));
        }
        // A crop is lined up from where it is indexed and from there
        // reshaped to the listing image's shape, which a seller's crop has
        // (see the module docs, *Crops*).
        let starts = |view: &View, rect: Rect| {
            let bounds = (view.integral.width() as f32, view.integral.height() as f32);
            [rect, reshaped(rect, whole.w / whole.h, bounds)]
        };
        proposals.extend(self.window_proposals(windows, &self.window_index, |v| self.views[v].coarse));
        // Line up only the best proposal of each kind per view, and only a
        // few views: alignment is the costly step, and a listing image
        // rarely shows more than one or two works.
        let at = |&(_, view, rect, by): &(u32, usize, Rect, Proposer)| {
            let v = &self.views[view];
            if by != Proposer::Crop {
                hash::distance_at(integral, rect, &v.signature, &v.sure)
            } else {
                let at = |r| hash::distance_at(&v.integral, r, signature, &Signature::ALL);
                starts(v, rect).map(at).into_iter().min().unwrap_or(u32::MAX)
            }
        };
        // A view's best crop and best windows are ranked apart: they line
        // up different rectangles, and a crop a little nearer by the
        // coarse hash must not displace the window that shows the work.
        to_line_up(&proposals, |p| (p.0, 3 * p.1 + p.3.rank()), at)
            .into_iter()
            .filter_map(|(_, view, rect, by)| {
                let v = &self.views[view];
                if by != Proposer::Crop {
                    let (r, _, listing) = hash::align(integral, rect, &v.signature, &v.sure)?;
                    Some(Found::judged(
                        view,
                        &listing,
                        (&v.signature, &v.sure),
                        Some(r),
                        SEARCH_MATCH_DISTANCE,
                    ))
                } else {
                    // The listing image shows a crop of the work: the whole
                    // image matched, so it is the region. The crop moves,
                    // and with it the bits it is sure of, so it is lined
                    // up on all of them and judged on its own sure bits
                    // where it ends.
                    let (r, _, _) = (starts(v, rect).into_iter())
                        .filter_map(|start| hash::align(&v.integral, start, signature, &Signature::ALL))
                        .min_by_key(|&(_, d, _)| d)?;
                    let (crop, sure) = hash::fine_sure(&v.integral, r)?;
                    Some(Found::judged(view, signature, (&crop, &sure), None, SEARCH_MATCH_DISTANCE).cropped(r))
                }
            })
            .collect()
    }
}

impl WorkIndex {
    /// For the windows of each shape of `self.aspects`, looked up in that
    /// shape's index of `indexes` (coarse hashes; ids are what `coarse`
    /// reads): each id some window finds (the [`CLOSEST_SOUGHT`] found
    /// nearest, where there are more), with its closest large window and
    /// its closest small one (see [`Shape`]) and how close. A window a
    /// little off the work keeps fewer of its bits, but
    /// the alignment search closes the gap, so the closest window need not
    /// be the one that found it.
    fn window_proposals<T: Slotted + From<u64>>(
        &self,
        windows: &Windows,
        indexes: &[(SlotIndex<T>, Vec<usize>)],
        coarse: impl Fn(usize) -> u64,
    ) -> Vec<(u32, usize, Rect, Proposer)> {
        let mut proposals = Vec::new();
        for (shape, (shaped, ids)) in windows.iter().zip(indexes) {
            if ids.is_empty() {
                continue;
            }
            let found = (shape.windows.iter())
                .flat_map(|&(_, h)| shaped.within(&T::from(h), PROPOSE_DISTANCE))
                .collect();
            let found = index::nearest_found(found, CLOSEST_SOUGHT);
            let found: Vec<usize> = found.into_iter().map(|i| ids[i as usize]).collect();
            // The first of the closest windows of each, large and small
            // apart (see `Shape`).
            let hashes: Vec<u64> = shape.windows.iter().map(|&(_, h)| h).collect();
            for (from, to, small) in [(0, shape.large, false), (shape.large, hashes.len(), true)] {
                index::closest_each(&hashes[from..to], found.iter().map(|&id| coarse(id)), |t, d, at| {
                    proposals.push((d, found[t], shape.windows[from + at].0, Proposer::Window { small }));
                });
            }
        }
        proposals
    }

    /// The partial-match search's windows against the works' crops: a work
    /// cropped, then pasted onto a background, which neither half of the
    /// search sees (a window of the picture shows only part of the work,
    /// and the work's crops meet the picture whole, background and all).
    /// Run only when nothing else matched. Each window is looked up among
    /// the crops by its coarse hash ([`CROP_SLOT_RADIUS`]); of the crops
    /// found, each with its nearest window, the nearest of each of the
    /// first [`MAX_ALIGNMENTS`] views is lined up, if the window is
    /// already within [`hash::GIVE_UP_ABOVE`] of the crop by the
    /// signature: the window with the crop, then the crop, kept no smaller
    /// than the smallest indexed, with where the window ended. Judged by
    /// [`CROPPED_MATCH_DISTANCE`]; see the module docs, *Crops pasted*.
    fn search_cropped(&self, integral: &Integral, windows: &Windows) -> Vec<Found> {
        let mut found: Vec<(u32, u32, Rect)> = Vec::new();
        for &(rect, coarse) in windows.iter().flat_map(|shape| &shape.windows) {
            let near = self
                .crop_index
                .within_strictly(&coarse, PROPOSE_DISTANCE, CROP_SLOT_RADIUS);
            found.extend(near.into_iter().map(|(crop, d)| (crop, d, rect)));
        }
        // Each crop with its nearest window, the first of equals; in crop
        // order, which `best_distinct` keeps among equal distances.
        found.sort_by_key(|&(crop, d, _)| (crop, d));
        found.dedup_by_key(|&mut (crop, _, _)| crop);
        let proposals: Vec<(u32, usize, Rect)> = found.into_iter().map(|(c, d, r)| (d, c as usize, r)).collect();
        let least = ZOOM_SIZES.iter().fold(1.0f32, |a, &b| a.min(b));
        best_distinct(&proposals, |p| (p.0, self.crops[p.1].view), MAX_ALIGNMENTS)
            .into_iter()
            .filter_map(|(_, c, rect)| {
                let crop = &self.crops[c];
                let v = &self.views[crop.view];
                let (signature, sure) = hash::fine_sure(&v.integral, crop.rect)?;
                if hash::distance_at(integral, rect, &signature, &sure) > hash::GIVE_UP_ABOVE {
                    return None;
                }
                let (window, _, listing) = hash::align(integral, rect, &signature, &sure)?;
                let judged = |(work, sure): (&Signature, &Signature), part: Rect| {
                    Found::judged(crop.view, &listing, (work, sure), Some(window), CROPPED_MATCH_DISTANCE).cropped(part)
                };
                let as_indexed = judged((&signature, &sure), crop.rect);
                // The window ends where it shows most of the crop; the crop,
                // lined up in turn, takes in what more of the work it shows.
                let (width, height) = (v.integral.width() as f32, v.integral.height() as f32);
                let moved = hash::align(&v.integral, crop.rect, &listing, &Signature::ALL)
                    .filter(|(r, _, _)| r.w + 1.0 >= least * width && r.h + 1.0 >= least * height)
                    .and_then(|(r, _, _)| Some((r, hash::fine_sure(&v.integral, r)?)))
                    .map(|(r, (signature, sure))| judged((&signature, &sure), r));
                Some(moved.filter(|m| m.distance < as_indexed.distance).unwrap_or(as_indexed))
            })
            .collect()
    }

    /// The partial-match search's windows over the turned views: a turned
    /// work pasted onto a background. The last resort, run only when
    /// nothing else matched; judged, as every search result, by
    /// [`SEARCH_MATCH_DISTANCE`].
    fn search_turned(&self, integral: &Integral, windows: &Windows) -> Vec<Found> {
        let proposals = self.window_proposals(windows, &self.turned_window_index, |t| self.turned[t].coarse);
        let at = |&(_, t, rect, _): &(u32, usize, Rect, Proposer)| {
            hash::distance_at(integral, rect, &self.turned[t].signature, &self.turned[t].sure)
        };
        to_line_up(&proposals, |p| (p.0, 3 * self.turned[p.1].view + p.3.rank()), at)
            .into_iter()
            .filter_map(|(_, i, rect, _)| {
                let t = &self.turned[i];
                let (r, _, listing) = hash::align(integral, rect, &t.signature, &t.sure)?;
                Some(
                    Found::judged(
                        t.view,
                        &listing,
                        (&t.signature, &t.sure),
                        Some(r),
                        SEARCH_MATCH_DISTANCE,
                    )
                    .turned(i, false),
                )
            })
            .collect()
    }
}

/// What proposed a view to the partial-match search: one of its crops,
/// met by the picture whole, or a window of the picture, met by the view
/// whole (see [`Shape`] for why small windows are apart).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Proposer {
    Crop,
    Window { small: bool },
}

impl Proposer {
    /// Which of a view's proposals this is, for ranking each apart.
    fn rank(self) -> usize {
        match self {
            Proposer::Crop => 0,
            Proposer::Window { small: false } => 1,
            Proposer::Window { small: true } => 2,
        }
    }
}

/// The partial-match search's windows of a picture, one [`Shape`] for each
/// of [`WorkIndex::aspects`].
type Windows = Vec<Shape>;

/// The windows of one shape, each with its coarse hash, largest first;
/// the first `large` of them of half the picture's side or more.
///
/// A view is proposed with its closest window among the large ones and
/// with its closest among the small ones, each ranked as a proposal of its
/// own: a small window inside a work can stand nearer its whole by the
/// coarse hash, by chance, than the window that shows all of it (the
/// rocket photograph pasted at 85% of a picture, in the tests, was
/// proposed from a window of 31% of the side inside it, 14 bits off,
/// lined up from there to a part, and reported with a region of under
/// 60% of the work's), and where the closest of all was taken, the
/// window that showed the work was never lined up.
struct Shape {
    windows: Vec<(Rect, u64)>,
    large: usize,
}

impl WorkIndex {
    /// The windows of the picture `whole` of `integral`, hashed once for
    /// both searches that read them (the unturned one, and the last stage's
    /// over the turned views).
    fn hash_windows(&self, integral: &Integral, whole: Rect) -> Windows {
        self.aspects
            .iter()
            .map(|&aspect| {
                let mut large = 0;
                let windows = windows(whole, aspect)
                    .filter_map(|(rect, small)| {
                        let hashed = (rect, hash::coarse(integral, rect)?);
                        large += usize::from(!small);
                        Some(hashed)
                    })
                    .collect();
                Shape { windows, large }
            })
            .collect()
    }
}

/// The proposals to line up: the first [`MAX_ALIGNMENTS`] of distinct
/// views by coarse distance (`key`, as [`best_distinct`] takes it), and
/// of the next ones, up to [`RANKED`] in all, as many again whose
/// signature where they stand (`at`) is already within
/// [`hash::GIVE_UP_ABOVE`] of the view's, closest first.
///
/// Among many works, unrelated views come as near a window by the coarse
/// hash as a copy does, and crowd it out of the first six (see *Searching
/// the works*); by the signature they are far apart. On the labelled set,
/// the window where a copy's proposal stood was 74–234 bits of 512 from
/// the view's signature (32 of 39 within 192), and those of unrelated
/// proposals 240 ± 17 (1.5% within 192): so the second look costs a
/// small registry nearly nothing and keeps the copies a large one would
/// crowd out, while the first six are lined up as they always were.
fn to_line_up<P: Copy>(proposals: &[P], key: impl Fn(&P) -> (u32, usize), at: impl Fn(&P) -> u32) -> Vec<P> {
    let ranked = best_distinct(proposals, key, RANKED);
    let (first, rest) = ranked.split_at(MAX_ALIGNMENTS.min(ranked.len()));
    let mut close: Vec<(u32, P)> = rest
        .iter()
        .map(|p| (at(p), *p))
        .filter(|&(d, _)| d <= hash::GIVE_UP_ABOVE)
        .collect();
    close.sort_by_key(|&(d, _)| d);
    let mut out = first.to_vec();
    out.extend(close.into_iter().take(MAX_ALIGNMENTS).map(|(_, p)| p));
    out
}

/// The first `n` of `proposals` of distinct views (`key` gives a
/// proposal's coarse distance and view) in order of distance, and among
/// equals as given: what sorting them stably by distance and keeping the
/// first of each view would give. Without sorting them all: a registry of
/// 100,000 works makes tens of thousands of proposals a picture, and
/// keeping the first of each view by a list of the views seen was
/// quadratic in them. Coarse distances are at most 64 (bits of a coarse
/// hash), so they are bucketed.
fn best_distinct<P: Copy>(proposals: &[P], key: impl Fn(&P) -> (u32, usize), n: usize) -> Vec<P> {
    const MOST: usize = 64;
    let mut starts = [0usize; MOST + 2];
    for p in proposals {
        starts[(key(p).0 as usize).min(MOST) + 1] += 1;
    }
    for d in 1..starts.len() {
        starts[d] += starts[d - 1];
    }
    // Positions in order of distance, each distance's in the order given.
    let mut order = vec![0u32; proposals.len()];
    for (i, p) in proposals.iter().enumerate() {
        let at = &mut starts[(key(p).0 as usize).min(MOST)];
        order[*at] = i as u32;
        *at += 1;
    }
    let mut best: Vec<P> = Vec::with_capacity(n);
    for &i in &order {
        if best.len() == n {
            break;
        }
        let p = proposals[i as usize];
        if !best.iter().any(|b| key(b).1 == key(&p).1) {
            best.push(p);
        }
    }
    best
}

/// How close one view came, and where in the picture (`None`: all of it).
#[derive(Clone, Copy, Debug)]
struct Found {
    view: usize,
    /// How far, judged on the bits the work is sure of and counted as
    /// the distance over all bits that is as unlikely by chance
    /// ([`Signature::distance_sure`]): what the limits hold.
    distance: u32,
    /// Of the bits the work is sure of, how many differ: the evidence.
    differ: u32,
    of: u32,
    window: Option<Rect>,
    /// The rectangle of the view's picture (in its integral's pixels) the
    /// find compared, where that was a crop of the work; `None` for all of
    /// it, trimmed. Where the check of fine marks starts lining up from.
    part: Option<Rect>,
    /// The most `distance` may be for the find to be a match: how it was
    /// found decides ([`MATCH_DISTANCE`], or a stricter limit for a
    /// rectangle picked out of many).
    limit: u32,
    against: Against,
}

/// What [`WorkIndex::lacks_marks`] reads of a listing image: its picture
/// and the image itself, decoded again at most once for all its matches.
struct Checking<'a> {
    pic: &'a Picture,
    bytes: &'a [u8],
    limits: &'a ImageLimits,
    listing: &'a std::cell::OnceCell<Option<marks::Listing>>,
    /// The picture's colour ([`decode::Colour`]), decoded again only if a
    /// pattern's sett placed a match.
    colour: &'a std::cell::OnceCell<Option<Colours>>,
}

/// What a picture, or a rectangle of it, was compared with: a view as
/// held, one of its turned views (an index into `WorkIndex::turned`),
/// trimmed or, `inner`, as held untrimmed, or a part of a view (in its
/// pixels), where a pattern's sett placed it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Against {
    View,
    Turned { turned: usize, inner: bool },
    Part(Rect),
}

impl Found {
    /// The picture's `listing` signature (where it matched: `window`, or
    /// all of it) judged against a work's signature and the bits it is
    /// sure of, to be held to `limit`.
    fn judged(
        view: usize,
        listing: &Signature,
        (work, sure): (&Signature, &Signature),
        window: Option<Rect>,
        limit: u32,
    ) -> Found {
        let (differ, of) = listing.distance_within(work, sure);
        Found {
            view,
            distance: Signature::as_likely((differ, of)),
            differ,
            of,
            window,
            part: None,
            limit,
            against: Against::View,
        }
    }

    /// The same find, of the crop `part` of the view.
    fn cropped(self, part: Rect) -> Found {
        Found {
            part: Some(part),
            ..self
        }
    }

    /// The same find, made against the turned view `turned` (untrimmed
    /// where `inner`).
    fn turned(self, turned: usize, inner: bool) -> Found {
        Found {
            against: Against::Turned { turned, inner },
            ..self
        }
    }
}

/// How near a picture came to a work (see [`WorkIndex::compare_near`]), as
/// distances over all 512 bits of a signature, which the limits hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Nearness {
    /// The picture whole against the work's closest view.
    pub whole: u32,
    /// The limit a whole picture is held to ([`MATCH_DISTANCE`]).
    pub whole_limit: u32,
    /// The closest any stage that proposed the work brought it (a figure,
    /// the partial-match search's lining up, a turned view), with that
    /// stage's limit; `None` when no stage proposed it.
    pub nearest: Option<(u32, u32)>,
}

/// One image's matches, and how near it came to a work asked about.
type Judged = (Vec<ImageMatch>, Option<Nearness>);

/// One listing's report from each image's digest and matches or failure.
fn report(results: impl IntoIterator<Item = (String, Result<Vec<ImageMatch>, Failure>)>) -> ImageReport {
    let mut report = ImageReport::default();
    for (digest, result) in results {
        report.digests.push(digest);
        match result {
            Ok(matches) => report.matches.extend(matches),
            Err(failure) => report.failures.push(failure),
        }
    }
    report
}

/// Of the finds within their limit (`Found::limit`), for each view, only the
/// one that shows the most of the picture; those past it as they are. A
/// pattern repeats, so a part of a copy lines up with its part of the
/// pattern about as closely as the whole copy does, and a smaller
/// rectangle, with fewer bits its hash is sure of, may come out nearer:
/// the widest is the evidence a reviewer should see (the plaid pasted on a
/// photograph was reported by a third of itself).
fn widest(mut found: Vec<Found>) -> Vec<Found> {
    let area = |f: &Found| f.window.map_or(f32::MAX, |r| r.w * r.h);
    found.sort_by(|a, b| {
        (a.distance > a.limit)
            .cmp(&(b.distance > b.limit))
            .then(area(b).total_cmp(&area(a)))
    });
    let mut seen: Vec<usize> = Vec::new();
    found.retain(|f| {
        let first = !seen.contains(&f.view);
        seen.push(f.view);
        f.distance > f.limit || first
    });
    found
}

/// One find per work: the nearest within its limit (`Found::limit`), or, for a
/// work with none, the nearest (how near it came); those within their
/// limits first, each part by distance.
fn best_per_work(views: &[View], mut found: Vec<Found>) -> Vec<Found> {
    // A find within its limit before any that is not: a rectangle the
    // partial-match search lined up nearer than a turned view, but past
    // the search's stricter limit, must not hide the turned view's match.
    found.sort_by_key(|f| {
        (
            f.distance > f.limit,
            f.distance,
            views[f.view].mirrored,
            f.window.is_some(),
        )
    });
    let mut seen: Vec<usize> = Vec::new();
    found.retain(|f| {
        let work = views[f.view].work;
        let first = !seen.contains(&work);
        seen.push(work);
        first
    });
    found
}

/// The longer side `pic` would be decoded at to read a pattern finer
/// ([`WorkIndex::finer_patterns`]): [`FINER_SIDE`], or as fetched where
/// that is smaller; `None` where that is less than a quarter larger than
/// the picture read, which would show a repeat hardly finer.
fn finer_side(pic: &Picture) -> Option<u32> {
    let (w, h) = pic.grey.dimensions();
    let side = pic.original.0.max(pic.original.1).min(FINER_SIDE);
    (side as f32 >= w.max(h) as f32 * 1.25).then_some(side)
}

/// `rect` reshaped to `aspect` (width over height) about its centre,
/// keeping its area, then moved, and shrunk if need be, to lie within a
/// picture `bounds` in size.
fn reshaped(rect: Rect, aspect: f32, (width, height): (f32, f32)) -> Rect {
    let area = rect.w * rect.h;
    let (w, h) = ((area * aspect).sqrt(), (area / aspect).sqrt());
    let fit = (width / w).min(height / h).min(1.0);
    let (w, h) = (w * fit, h * fit);
    // `max` last: rounding may leave the room a hair below zero.
    let x = (rect.x + (rect.w - w) / 2.0).min(width - w).max(0.0);
    let y = (rect.y + (rect.h - h) / 2.0).min(height - h).max(0.0);
    Rect { x, y, w, h }
}

/// The rectangle inside `whole` that a picture turned by `degrees` and
/// framed in its bounding box `whole` shows without its corners, or `None`
/// when no rectangle turned so has that bounding box.
///
/// A `w`×`h` picture turned by θ has the bounding box `W = w cos θ + h sin θ`,
/// `H = w sin θ + h cos θ`; solved for `w` and `h`, the picture's own size
/// gives its inscribed rectangle, centred in the box.
fn unturned(whole: Rect, degrees: f32) -> Option<Rect> {
    let (s, c) = degrees.to_radians().abs().sin_cos();
    let det = c * c - s * s;
    let w = (c * whole.w - s * whole.h) / det;
    let h = (c * whole.h - s * whole.w) / det;
    if w < 1.0 || h < 1.0 {
        return None;
    }
    let (iw, ih) = turn::inscribed(w, h, degrees);
    Some(Rect {
        x: whole.x + (whole.w - iw) / 2.0,
        y: whole.y + (whole.h - ih) / 2.0,
        w: iw,
        h: ih,
    })
}

/// `rect` of `grey`, shrunk to whole pixels and trimmed by its own
/// corners as a listing image is ([`decode::trim_within`]); `None` where
/// the trim takes nothing.
fn trimmed(grey: &GrayImage, rect: Rect) -> Option<Rect> {
    let (x0, y0) = (rect.x.max(0.0).ceil() as u32, rect.y.max(0.0).ceil() as u32);
    let x1 = ((rect.x + rect.w).floor() as u32).min(grey.width());
    let y1 = ((rect.y + rect.h).floor() as u32).min(grey.height());
    let cut = (x0, y0, x1.checked_sub(x0)?, y1.checked_sub(y0)?);
    let trimmed = decode::trim_within(grey, cut);
    (trimmed != cut).then(|| Rect::from_trim(trimmed))
}

fn aspect_class(aspect: f32) -> i32 {
    let class = (aspect.log2() * ASPECT_STEPS_PER_OCTAVE).round() as i32;
    class.clamp(-MAX_ASPECT_CLASS, MAX_ASPECT_CLASS)
}

/// The windows of `whole` tried for `aspect`: each scale of the largest
/// rectangle of that shape that fits, at the corners, edge middles and
/// centre, largest first; each with whether it is under half the side
/// (see [`Shape`]).
fn windows(whole: Rect, aspect: i32) -> impl Iterator<Item = (Rect, bool)> {
    let a = (aspect as f32 / ASPECT_STEPS_PER_OCTAVE).exp2();
    let (fw, fh) = if whole.w / whole.h > a {
        (whole.h * a, whole.h)
    } else {
        (whole.w, whole.w / a)
    };
    WINDOW_SCALES.into_iter().flat_map(move |s| {
        let (w, h) = (fw * s, fh * s);
        let (free_x, free_y) = (whole.w - w, whole.h - h);
        let step = window_step(s);
        let nx = (free_x / (w * step)).ceil().max(0.0) as u32;
        let ny = (free_y / (h * step)).ceil().max(0.0) as u32;
        (0..=ny).flat_map(move |j| {
            (0..=nx).map(move |i| {
                let rect = Rect {
                    x: whole.x
                        + if nx == 0 {
                            free_x / 2.0
                        } else {
                            free_x * i as f32 / nx as f32
                        },
                    y: whole.y
                        + if ny == 0 {
                            free_y / 2.0
                        } else {
                            free_y * j as f32 / ny as f32
                        },
                    w,
                    h,
                };
                (rect, s < SMALL_WINDOW)
            })
        })
    })
}

/// The crops of a work that are indexed: each side kept at 100%, 90% or
/// 80%, at the start, middle or end of its axis (not the whole: that is
/// the view's own hash); both sides kept at 70% or 60%, at the start,
/// middle or end of each axis; and one side whole, the other kept at 70%
/// or 60%, at its start, middle or end.
fn crops(whole: Rect) -> Vec<Rect> {
    let at = |len: f32, s: f32| {
        let l = len * s;
        [(0.0, l), ((len - l) / 2.0, l), (len - l, l)]
    };
    let spans = |len: f32| -> Vec<(f32, f32)> {
        let mut v = vec![(0.0, len)];
        for s in CROP_SIZES {
            v.extend(at(len, s));
        }
        v
    };
    let mut out = Vec::new();
    for &(x, w) in &spans(whole.w) {
        for &(y, h) in &spans(whole.h) {
            if w < whole.w || h < whole.h {
                out.push(Rect {
                    x: whole.x + x,
                    y: whole.y + y,
                    w,
                    h,
                });
            }
        }
    }
    for s in ZOOM_SIZES {
        for (x, w) in at(whole.w, s) {
            for (y, h) in at(whole.h, s) {
                out.push(Rect {
                    x: whole.x + x,
                    y: whole.y + y,
                    w,
                    h,
                });
            }
        }
    }
    for s in BAND_SIZES {
        for (x, w) in at(whole.w, s) {
            out.push(Rect {
                x: whole.x + x,
                w,
                ..whole
            });
        }
        for (y, h) in at(whole.h, s) {
            out.push(Rect {
                y: whole.y + y,
                h,
                ..whole
            });
        }
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}
