;; MT19937's bulk draws for src/mt19937.ts (`fillFloat32`): the twist, the tempering and numpy's conversion of two
;; 32-bit words into a double in [0, 1), rounded to float32 but never up to 1, in one loop. The same stream and
;; the same float32 values as the JavaScript loop it replaces (test/random.test.ts compares the two, and the
;; stream with numpy's); about a third of its time.
;; Its own memory (one page, exported): the generator's 624 state words at byte 0, which the caller copies in and
;; out around a call, and up to CHUNK = 8192 float32 draws from byte 4096.
;; After an edit: npm run build:kernels (writes src/kernels/wasmBinary.ts; a test checks the two agree).
(module
  (memory (export "memory") 1)

  ;; one step of genrand's twist for the words at byte p (four of them: i32x4), with the word 397 ahead (`ahead`)
  ;; or 227 behind; y & 1 selects MATRIX_A without a branch
  (func $twist4 (param $p i32) (param $far i32)
    (local $y v128)
    (local.set $y (v128.or (v128.and (v128.load (local.get $p)) (i32x4.splat (i32.const 0x80000000)))
                           (v128.and (v128.load offset=4 (local.get $p)) (i32x4.splat (i32.const 0x7fffffff)))))
    (v128.store (local.get $p) (v128.xor (v128.xor (v128.load (local.get $far)) (i32x4.shr_u (local.get $y) (i32.const 1)))
      (v128.and (i32x4.neg (v128.and (local.get $y) (i32x4.splat (i32.const 1)))) (i32x4.splat (i32.const 0x9908b0df))))))

  (func $twist1 (param $p i32) (param $far i32) (param $next i32)
    (local $y i32)
    (local.set $y (i32.or (i32.and (i32.load (local.get $p)) (i32.const 0x80000000))
                          (i32.and (i32.load (local.get $next)) (i32.const 0x7fffffff))))
    (i32.store (local.get $p) (i32.xor (i32.xor (i32.load (local.get $far)) (i32.shr_u (local.get $y) (i32.const 1)))
      (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df)))))

  ;; the next 624 state words from the last 624, in place, in genrand's order: word k from words k, k + 1 and
  ;; k + 397 (k < 227, none of them new yet) or k - 227 (new already); four at a time, whose reads never reach a
  ;; word the same step writes
  (func $twist
    (local $p i32)
    (block $done1 (loop $first                                       ;; k = 0 .. 223
      (br_if $done1 (i32.ge_u (local.get $p) (i32.const 896)))
      (call $twist4 (local.get $p) (i32.add (local.get $p) (i32.const 1588)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $first)))
    (block $done2 (loop $rest                                        ;; k = 224 .. 226
      (br_if $done2 (i32.ge_u (local.get $p) (i32.const 908)))
      (call $twist1 (local.get $p) (i32.add (local.get $p) (i32.const 1588)) (i32.add (local.get $p) (i32.const 4)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $rest)))
    (block $done3 (loop $second                                      ;; k = 227 .. 622
      (br_if $done3 (i32.ge_u (local.get $p) (i32.const 2492)))
      (call $twist4 (local.get $p) (i32.sub (local.get $p) (i32.const 908)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $second)))
    (call $twist1 (i32.const 2492) (i32.const 1584) (i32.const 0)))  ;; k = 623, with word 0 (new) as k + 1

  ;; MT19937's tempering of one state word
  (func $temper (param $y i32) (result i32)
    (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 11))))
    (local.set $y (i32.xor (local.get $y) (i32.and (i32.shl (local.get $y) (i32.const 7)) (i32.const 0x9d2c5680))))
    (local.set $y (i32.xor (local.get $y) (i32.and (i32.shl (local.get $y) (i32.const 15)) (i32.const 0xefc60000))))
    (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 18))))

  (func $temper4 (param $y v128) (result v128)
    (local.set $y (v128.xor (local.get $y) (i32x4.shr_u (local.get $y) (i32.const 11))))
    (local.set $y (v128.xor (local.get $y) (v128.and (i32x4.shl (local.get $y) (i32.const 7)) (i32x4.splat (i32.const 0x9d2c5680)))))
    (local.set $y (v128.xor (local.get $y) (v128.and (i32x4.shl (local.get $y) (i32.const 15)) (i32x4.splat (i32.const 0xefc60000)))))
    (v128.xor (local.get $y) (i32x4.shr_u (local.get $y) (i32.const 18))))

  ;; two draws as doubles from a (words' high parts, lanes 0 and 1) and b (low parts), then held below 1
  (func $draws2 (param $a v128) (param $b v128) (result v128)
    (local $x v128)
    (local.set $x (f64x2.mul
      (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $a)) (f64x2.splat (f64.const 67108864)))
                 (f64x2.convert_low_i32x4_u (local.get $b)))
      (f64x2.splat (f64.const 0x1p-53))))
    (v128.bitselect (local.get $x) (f64x2.splat (f64.const 0x1.fffffep-1)) (f64x2.lt (local.get $x) (f64x2.splat (f64.const 0x1.fffffep-1)))))

  ;; four draws from the eight words at byte p, stored as float32 at byte out
  (func $draws4 (param $p i32) (param $out i32)
    (local $w0 v128) (local $w1 v128) (local $a v128) (local $b v128)
    (local.set $w0 (call $temper4 (v128.load (local.get $p))))
    (local.set $w1 (call $temper4 (v128.load offset=16 (local.get $p))))
    ;; a: words 0, 2, 4, 6 >> 5; b: words 1, 3, 5, 7 >> 6
    (local.set $a (i32x4.shr_u (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $w0) (local.get $w1)) (i32.const 5)))
    (local.set $b (i32x4.shr_u (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $w0) (local.get $w1)) (i32.const 6)))
    (v128.store (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (call $draws2 (local.get $a) (local.get $b)))
      (f32x4.demote_f64x2_zero (call $draws2
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b)))))))

  ;; n draws (n <= 8192) from the state at word `index` (624: twist first) into the floats at byte 4096; returns
  ;; the index after them. Each draw: numpy's random_sample, (a >> 5) * 2**26 + (b >> 6) times 2**-53 from two
  ;; words a, b, then the largest float32 below 1 where the double is not below it, else the double as float32.
  (func (export "fill_float32") (param $index i32) (param $n i32) (result i32)
    (local $out i32) (local $a i32) (local $b i32) (local $x f64)
    (local.set $out (i32.const 4096))
    (block $done (loop $draw
      (br_if $done (i32.eqz (local.get $n)))
      ;; four at a time while eight words are left before the next twist
      (if (i32.and (i32.ge_u (local.get $n) (i32.const 4)) (i32.le_u (local.get $index) (i32.const 616)))
        (then
          (call $draws4 (i32.shl (local.get $index) (i32.const 2)) (local.get $out))
          (local.set $index (i32.add (local.get $index) (i32.const 8)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $n (i32.sub (local.get $n) (i32.const 4)))
          (br $draw)))
      (if (i32.ge_u (local.get $index) (i32.const 624)) (then (call $twist) (local.set $index (i32.const 0))))
      (local.set $a (call $temper (i32.load (i32.shl (local.get $index) (i32.const 2)))))
      (local.set $index (i32.add (local.get $index) (i32.const 1)))
      (if (i32.ge_u (local.get $index) (i32.const 624)) (then (call $twist) (local.set $index (i32.const 0))))
      (local.set $b (call $temper (i32.load (i32.shl (local.get $index) (i32.const 2)))))
      (local.set $index (i32.add (local.get $index) (i32.const 1)))
      (local.set $x (f64.mul
        (f64.add (f64.mul (f64.convert_i32_u (i32.shr_u (local.get $a) (i32.const 5))) (f64.const 67108864))
                 (f64.convert_i32_u (i32.shr_u (local.get $b) (i32.const 6))))
        (f64.const 0x1p-53)))
      (f32.store (local.get $out) (f32.demote_f64
        (select (local.get $x) (f64.const 0x1.fffffep-1) (f64.lt (local.get $x) (f64.const 0x1.fffffep-1)))))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $draw)))
    (local.get $index))
)
