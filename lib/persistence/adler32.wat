;; Adler-32 (RFC 1950) with WebAssembly SIMD: 16 bytes a step instead of JavaScript's one.
;; adler32-wasm.ts holds this module compiled (npm run wasm:adler32 writes it; a test
;; checks the two agree). update(adler, ptr, len) continues `adler` over memory[ptr, ptr+len).
;;
;; For a 16-byte block x0..x15 starting from (a, b): a' = a + Σxi and
;; b' = b + 16a + Σ(16 − i)·xi. Over k blocks the lanes keep, per 4-byte column, the byte
;; sums (s1), the weighted sums (s2) and the sum of s1 before each block (ps: every byte of
;; an earlier block adds 16·x to b once per later block). 347 blocks (5552 bytes, zlib's
;; NMAX) keep every lane below 2^31; the lanes are added up in i64 and reduced mod 65521.
(module
  (memory (export "memory") 2)

  (func $hsum (param $v v128) (result i64)
    (i64.add
      (i64.add
        (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $v)))
        (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $v))))
      (i64.add
        (i64.extend_i32_u (i32x4.extract_lane 2 (local.get $v)))
        (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $v))))))

  (func (export "update") (param $adler i32) (param $p i32) (param $n i32) (result i32)
    (local $a i64) (local $b i64) (local $blocks i32) (local $k i32)
    (local $x v128) (local $s1 v128) (local $s2 v128) (local $ps v128)
    (local $wlo v128) (local $whi v128)
    (local.set $a (i64.extend_i32_u (i32.and (local.get $adler) (i32.const 0xffff))))
    (local.set $b (i64.extend_i32_u (i32.shr_u (local.get $adler) (i32.const 16))))
    (local.set $wlo (v128.const i16x8 16 15 14 13 12 11 10 9))
    (local.set $whi (v128.const i16x8 8 7 6 5 4 3 2 1))
    (block $done
      (loop $chunks
        (br_if $done (i32.lt_u (local.get $n) (i32.const 16)))
        (local.set $blocks (i32.shr_u (local.get $n) (i32.const 4)))
        (if (i32.gt_u (local.get $blocks) (i32.const 347))
          (then (local.set $blocks (i32.const 347))))
        (local.set $k (local.get $blocks))
        (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0))
        (local.set $ps (v128.const i32x4 0 0 0 0))
        (loop $block
          (local.set $x (v128.load (local.get $p)))
          (local.set $ps (i32x4.add (local.get $ps) (local.get $s1)))
          (local.set $s1 (i32x4.add (local.get $s1)
            (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $x)))))
          (local.set $s2 (i32x4.add (local.get $s2)
            (i32x4.add
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x)) (local.get $wlo))
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $x)) (local.get $whi)))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br_if $block (local.get $k)))
        (local.set $b (i64.add (local.get $b)
          (i64.add
            (i64.mul (local.get $a) (i64.extend_i32_u (i32.shl (local.get $blocks) (i32.const 4))))
            (i64.add
              (i64.shl (call $hsum (local.get $ps)) (i64.const 4))
              (call $hsum (local.get $s2))))))
        (local.set $a (i64.add (local.get $a) (call $hsum (local.get $s1))))
        (local.set $a (i64.rem_u (local.get $a) (i64.const 65521)))
        (local.set $b (i64.rem_u (local.get $b) (i64.const 65521)))
        (local.set $n (i32.sub (local.get $n) (i32.shl (local.get $blocks) (i32.const 4))))
        (br $chunks)))
    ;; Fewer than 16 bytes left: one at a time.
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.eqz (local.get $n)))
        (local.set $a (i64.add (local.get $a) (i64.load8_u (local.get $p))))
        (local.set $b (i64.add (local.get $b) (local.get $a)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $tail)))
    (local.set $a (i64.rem_u (local.get $a) (i64.const 65521)))
    (local.set $b (i64.rem_u (local.get $b) (i64.const 65521)))
    (i32.or
      (i32.shl (i32.wrap_i64 (local.get $b)) (i32.const 16))
      (i32.wrap_i64 (local.get $a)))))
