;; The kit's own kernels for tfjs's wasm backend: the few ops whose stock kernels cost the course's training
;; loop most (src/kernels/wasmKernels.ts installs them; bench/README.md has the figures). Each computes exactly
;; what the stock kernel computes, in the same float32 order, so every result keeps its bits
;; (test/wasm-kernels.test.ts compares them with the stock kernels value by value):
;;   matmul_nn       a . b         XNNPACK's order: each output 0 + the products added in order of k
;;   matmul_nt(_rows) a . b^T      tfjs-wasm's plain loop: the products summed from 0 in blocks of 48 along k,
;;                                 each block's sum added to the running total
;;   <compare>_scalar x < s, ...   one byte, 1 or 0, per entry
;;   transpose2d                   a copy
;; The module works in the backend's own memory (imported), on the tensors' heap offsets.
;; After an edit: npm run build:kernels (writes src/kernels/wasmBinary.ts; a test checks the two agree).
(module
  (import "env" "memory" (memory 0))

  ;; out[M,N] = a[M,K] . b[K,N]: each output 0 + the products added in order of k (XNNPACK's order)
  (func (export "matmul_nn") (param $a i32) (param $b i32) (param $out i32) (param $M i32) (param $K i32) (param $N i32)
    (local $m i32) (local $n i32) (local $k i32) (local $N4 i32) (local $rowB i32)
    (local $pa i32) (local $pb i32) (local $po i32) (local $acc v128) (local $s f32)
    (local.set $N4 (i32.and (local.get $N) (i32.const -4)))
    (local.set $rowB (i32.shl (local.get $N) (i32.const 2)))
    (local.set $po (local.get $out))
    (block $mdone (loop $mloop
      (br_if $mdone (i32.ge_u (local.get $m) (local.get $M)))
      (local.set $n (i32.const 0))
      (block $vdone (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $n) (local.get $N4)))
        (local.set $acc (f32x4.splat (f32.const 0)))
        (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $m) (local.get $K)) (i32.const 2))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $k (local.get $K))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.eqz (local.get $k)))
          (local.set $acc (f32x4.add (local.get $acc)
            (f32x4.mul (f32x4.splat (f32.load (local.get $pa))) (v128.load align=4 (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
          (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $kloop)))
        (v128.store align=4 (local.get $po) (local.get $acc))
        (local.set $po (i32.add (local.get $po) (i32.const 16)))
        (local.set $n (i32.add (local.get $n) (i32.const 4)))
        (br $vloop)))
      (block $sdone (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $s (f32.const 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $m) (local.get $K)) (i32.const 2))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $k (local.get $K))
        (block $kdone2 (loop $kloop2
          (br_if $kdone2 (i32.eqz (local.get $k)))
          (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
          (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $kloop2)))
        (f32.store (local.get $po) (local.get $s))
        (local.set $po (i32.add (local.get $po) (i32.const 4)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $sloop)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $mloop))))

  ;; one output of a . b^T in tfjs-wasm's plain loop's order: the products summed from 0 in blocks of 48
  ;; along k, each block's sum added to the running total (then + 0, as the loop adds its absent bias)
  (func $dot_blocked (param $pa i32) (param $pb i32) (param $K i32) (result f32)
    (local $total f32) (local $s f32) (local $left i32) (local $end i32)
    (local.set $left (local.get $K))
    (block $done (loop $blocks
      (br_if $done (i32.eqz (local.get $left)))
      (local.set $s (f32.const 0))
      (local.set $end (select (i32.const 48) (local.get $left) (i32.gt_u (local.get $left) (i32.const 48))))
      (local.set $left (i32.sub (local.get $left) (local.get $end)))
      (block $kdone (loop $k
        (br_if $kdone (i32.eqz (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 4)))
        (local.set $end (i32.sub (local.get $end) (i32.const 1)))
        (br $k)))
      (local.set $total (f32.add (f32.add (local.get $total) (local.get $s)) (f32.const 0)))
      (br $blocks)))
    (local.get $total))

  ;; one row (pa) against four consecutive rows of K entries (from pb): four outputs in the same order as
  ;; $dot_blocked each (a product does not depend on its operands' order), as four independent chains
  (func $dot_blocked4 (param $pa i32) (param $pb i32) (param $K i32) (result v128)
    (local $t v128) (local $s v128) (local $left i32) (local $end i32) (local $rowB i32)
    (local.set $rowB (i32.shl (local.get $K) (i32.const 2)))
    (local.set $t (f32x4.splat (f32.const 0)))
    (local.set $left (local.get $K))
    (block $done (loop $blocks
      (br_if $done (i32.eqz (local.get $left)))
      (local.set $s (f32x4.splat (f32.const 0)))
      (local.set $end (select (i32.const 48) (local.get $left) (i32.gt_u (local.get $left) (i32.const 48))))
      (local.set $left (i32.sub (local.get $left) (local.get $end)))
      (block $kdone (loop $k
        (br_if $kdone (i32.eqz (local.get $end)))
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul
          (f32x4.splat (f32.load (local.get $pa)))
          (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1
            (f32x4.splat (f32.load (local.get $pb)))
            (f32.load (i32.add (local.get $pb) (local.get $rowB))))
            (f32.load (i32.add (local.get $pb) (i32.shl (local.get $rowB) (i32.const 1)))))
            (f32.load (i32.add (local.get $pb) (i32.mul (local.get $rowB) (i32.const 3))))))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 4)))
        (local.set $end (i32.sub (local.get $end) (i32.const 1)))
        (br $k)))
      (local.set $t (f32x4.add (f32x4.add (local.get $t) (local.get $s)) (f32x4.splat (f32.const 0))))
      (br $blocks)))
    (local.get $t))

  ;; out[M,N] = a[M,K] . b[N,K]^T
  (func (export "matmul_nt") (param $a i32) (param $b i32) (param $out i32) (param $M i32) (param $K i32) (param $N i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $po i32) (local $N4 i32) (local $rowB i32)
    (local.set $N4 (i32.and (local.get $N) (i32.const -4)))
    (local.set $rowB (i32.shl (local.get $K) (i32.const 2)))
    (local.set $po (local.get $out))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_u (local.get $i) (local.get $M)))
      (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowB))))
      (local.set $j (i32.const 0))
      (block $vdone (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $j) (local.get $N4)))
        (v128.store align=4 (local.get $po) (call $dot_blocked4 (local.get $pa) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowB))) (local.get $K)))
        (local.set $po (i32.add (local.get $po) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vloop)))
      (block $sdone (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $j) (local.get $N)))
        (f32.store (local.get $po) (call $dot_blocked (local.get $pa) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowB))) (local.get $K)))
        (local.set $po (i32.add (local.get $po) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $sloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop))))

;; @compare-kernels: the generator (scripts/build-kernels.ts) writes here one function per comparison,
;; NAME_scalar(a, s, out, n): out[i] = a[i] OP s as a byte 1 or 0, 16 entries at a time:
;; less lt, less_equal le, greater gt, greater_equal ge

  ;; out[M,N] = a[M,K] . b[N,K]^T when N < 4: four rows of a at a time against each row of b
  (func (export "matmul_nt_rows") (param $a i32) (param $b i32) (param $out i32) (param $M i32) (param $K i32) (param $N i32)
    (local $i i32) (local $j i32) (local $M4 i32) (local $rowK i32) (local $v v128) (local $po i32) (local $rowOut i32)
    (local.set $M4 (i32.and (local.get $M) (i32.const -4)))
    (local.set $rowK (i32.shl (local.get $K) (i32.const 2)))
    (local.set $rowOut (i32.shl (local.get $N) (i32.const 2)))
    (block $jdone (loop $jloop
      (br_if $jdone (i32.ge_u (local.get $j) (local.get $N)))
      (local.set $i (i32.const 0))
      (block $vdone (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $M4)))
        (local.set $v (call $dot_blocked4 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowK))) (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowK))) (local.get $K)))
        (local.set $po (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
        (f32.store (local.get $po) (f32x4.extract_lane 0 (local.get $v)))
        (local.set $po (i32.add (local.get $po) (local.get $rowOut)))
        (f32.store (local.get $po) (f32x4.extract_lane 1 (local.get $v)))
        (local.set $po (i32.add (local.get $po) (local.get $rowOut)))
        (f32.store (local.get $po) (f32x4.extract_lane 2 (local.get $v)))
        (local.set $po (i32.add (local.get $po) (local.get $rowOut)))
        (f32.store (local.get $po) (f32x4.extract_lane 3 (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vloop)))
      (block $sdone (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $M)))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2)))
          (call $dot_blocked (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowK))) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowK))) (local.get $K)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sloop)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jloop))))

  ;; out[C,R] = x[R,C]^T
  (func (export "transpose2d") (param $x i32) (param $out i32) (param $R i32) (param $C i32)
    (local $r i32) (local $c i32) (local $px i32) (local $rowOut i32)
    (local.set $rowOut (i32.shl (local.get $R) (i32.const 2)))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $R)))
      (local.set $c (i32.const 0))
      (block $cdone (loop $cloop
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $C)))
        (i32.store (i32.add (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))) (i32.mul (local.get $c) (local.get $rowOut)))
          (i32.load (local.get $x)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop))))
)
