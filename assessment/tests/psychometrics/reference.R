# Independent reference values for assessment/tests/psychometrics.
#
# The Python tests pin the figures this script prints; they do not need R. To reproduce them
# (Debian: apt-get install r-base-core r-cran-psych):
#
#     Rscript assessment/tests/psychometrics/reference.R
#
# Run with R 4.2.2 and psych 2.2.9. Every dataset below is repeated, value for value, in the
# test module named beside it, so a psychometrician can check each pinned figure by hand.

suppressPackageStartupMessages(library(psych))
options(warn = 1)
show <- function(label, x) cat(sprintf("%-48s %s\n", label, paste(sprintf("%.10f", x), collapse = " ")))

# --- 1. Test and item statistics (test_items.py) --------------------------------------------
# 1a. LSAT section 6: 1,000 candidates x 5 dichotomous items (Bock & Lieberman 1970,
#     Psychometrika 35:179-197), shipped with psych as `lsat6`. For 0/1 items psych's raw
#     alpha is KR-20. r.drop is the corrected item-total (item-rest) correlation.
data(bock, package = "psych")
a <- alpha(lsat6, warnings = FALSE, cumulative = TRUE)
show("lsat6 KR-20 (raw_alpha)", a$total$raw_alpha)
show("lsat6 total mean", a$total$mean)
show("lsat6 total sd (n-1)", a$total$sd)
show("lsat6 SEM = sd*sqrt(1-KR20)", a$total$sd * sqrt(1 - a$total$raw_alpha))
show("lsat6 item-rest r (r.drop) Q1..Q5", a$item.stats$r.drop)

# 1b. A mixed test: items 1-4 "choose 1 of 4" (0/1), items 5-6 "choose 3 of 8" (0..3).
pc <- matrix(c(
  1, 1, 1, 0, 3, 2,
  1, 0, 1, 1, 2, 3,
  0, 1, 0, 0, 1, 1,
  1, 1, 1, 1, 3, 3,
  0, 0, 1, 0, 1, 0,
  1, 1, 0, 1, 2, 2,
  0, 0, 0, 0, 0, 1,
  1, 1, 1, 1, 2, 3,
  1, 0, 0, 1, 1, 2,
  0, 1, 1, 0, 2, 1,
  1, 1, 1, 1, 3, 2,
  0, 0, 0, 1, 0, 0), ncol = 6, byrow = TRUE)
b <- alpha(pc, warnings = FALSE, cumulative = TRUE)
show("mixed Cronbach alpha (raw_alpha)", b$total$raw_alpha)
show("mixed total sd (n-1)", b$total$sd)
show("mixed item-rest r (r.drop) 1..6", b$item.stats$r.drop)

# --- 2. Mantel-Haenszel (test_dif.py) ---------------------------------------------------------
# mantelhaen.test: continuity-corrected MH chi-square, MH common odds ratio, and a 95% CI from
# the Robins-Breslow-Greenland variance, from which the SE of ln(alpha_MH) is recovered.
mh <- function(label, tab) {
  m <- mantelhaen.test(tab)
  se <- (log(m$conf.int[2]) - log(m$estimate)) / qnorm(0.975)
  show(paste(label, "MH chi-square (corrected)"), m$statistic)
  show(paste(label, "p-value"), m$p.value)
  show(paste(label, "common odds ratio"), m$estimate)
  show(paste(label, "SE ln(OR) (RBG)"), se)
  d <- -2.35 * log(m$estimate)
  sd <- 2.35 * se
  show(paste(label, "MH D-DIF"), d)
  show(paste(label, "SE MH D-DIF"), sd)
  # Paek & Holland (2015): interval-null test of |Delta| <= 1 (non-central chi-square, 1 df).
  show(paste(label, "p(|D-DIF| <= 1)"), 1 - pchisq((d / sd)^2, 1, ncp = (1 / sd)^2))
}
# 2a. Agresti (1990, pp. 231-237), penicillin and rabbits: the example in R's own
#     ?mantelhaen.test (its help page reports p = 0.047). Strata 1 and 5 are uninformative
#     (one outcome only), which is what a thin score stratum looks like.
Rabbits <- array(c(0, 0, 6, 5,  3, 0, 3, 6,  6, 2, 0, 4,  5, 6, 1, 0,  2, 5, 0, 0),
                 dim = c(2, 2, 5))
mh("rabbits", Rabbits)
# 2b. One item, six total-score strata. Rows: reference, focal; columns: right, wrong.
#     Per stratum (ref right, ref wrong, focal right, focal wrong).
strata <- rbind(c(10, 40, 4, 36), c(25, 35, 10, 30), c(40, 30, 18, 27),
                c(55, 20, 25, 20), c(60, 10, 30, 10), c(45, 3, 20, 4))
dif <- array(0, dim = c(2, 2, nrow(strata)))
for (k in seq_len(nrow(strata))) dif[, , k] <- matrix(strata[k, ], 2, byrow = TRUE)
mh("dif", dif)

# --- 3. Agreement (test_agreement.py) ---------------------------------------------------------
# 3a. Cohen (1968, Psychol Bull 70:213-220), proportions for 200 subjects with his
#     disagreement weights: he reports kappa = .492 and weighted kappa = .348.
cohen <- matrix(c(0.44, 0.07, 0.09, 0.05, 0.20, 0.05, 0.01, 0.03, 0.06), ncol = 3, byrow = TRUE)
cw <- matrix(c(0, 1, 3, 1, 0, 6, 3, 6, 0), ncol = 3)
show("cohen1968 kappa", cohen.kappa(cohen, cw, n.obs = 200)$kappa)
show("cohen1968 weighted kappa (Cohen weights)", cohen.kappa(cohen, cw, n.obs = 200)$weighted.kappa)
# psych's default weights are quadratic (PITFALLS.md).
show("cohen1968 quadratic weighted kappa", cohen.kappa(cohen, n.obs = 200)$weighted.kappa)
# 3b. Fleiss, Cohen & Everitt (1969, Psychol Bull 72:323-327) counts, treated as ordinal.
fleiss <- matrix(c(106, 10, 4, 22, 28, 10, 2, 12, 6), ncol = 3, byrow = TRUE)
show("fleiss1969 quadratic weighted kappa", cohen.kappa(fleiss)$weighted.kappa)
# 3c. Thirty double-marked tasks on the 1-4 scale.
first <- c(3, 2, 4, 3, 1, 2, 3, 3, 4, 2, 2, 3, 1, 3, 4, 2, 3, 3, 2, 4, 3, 2, 1, 3, 4, 3, 2, 3, 3, 2)
second <- c(3, 2, 3, 3, 2, 2, 3, 4, 4, 2, 3, 3, 1, 2, 4, 2, 3, 2, 2, 4, 3, 3, 1, 3, 3, 3, 2, 4, 3, 1)
ck <- cohen.kappa(cbind(first, second), levels = 1:4)
show("marks quadratic weighted kappa", ck$weighted.kappa)
show("marks exact agreement", mean(first == second))
show("marks adjacent agreement", mean(abs(first - second) <= 1))
# 3d. Assessor stringency: signed differences from co-markers, 95% t-interval.
d <- c(1, 0, 1, 1, 0, 2, 1, 0, 1, 1, 0, 1)
show("stringency mean difference", mean(d))
show("stringency 95% t-interval", t.test(d)$conf.int)

# --- 4. Standard setting (test_standard_setting.py) -------------------------------------------
# 4a. Modified Angoff: 5 judges x 6 items; items 5 and 6 are worth 3 marks.
ratings <- matrix(c(
  0.60, 0.70, 0.50, 0.40, 0.50, 0.60,
  0.65, 0.75, 0.55, 0.35, 0.45, 0.55,
  0.55, 0.60, 0.45, 0.50, 0.60, 0.70,
  0.70, 0.80, 0.60, 0.45, 0.40, 0.50,
  0.50, 0.65, 0.40, 0.30, 0.55, 0.65), ncol = 6, byrow = TRUE)
maxima <- c(1, 1, 1, 1, 3, 3)
totals <- ratings %*% maxima
show("angoff judge totals", totals)
show("angoff cut (mean of judge totals)", mean(totals))
show("angoff SD of judge totals", sd(totals))
show("angoff SE = SD/sqrt(5)", sd(totals) / sqrt(5))
# 4b. Borderline regression: marks regressed on global grades 0-3; cut = prediction at 1.
grade <- c(0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 1)
marks <- c(6, 8, 9, 10, 8, 11, 12, 13, 11, 14, 12, 15, 16, 14, 9)
fit <- lm(marks ~ grade)
show("brm intercept, slope", coef(fit))
show("brm cut at borderline (grade 1)", predict(fit, data.frame(grade = 1)))
show("brm R-squared", summary(fit)$r.squared)

# --- 5. Fairness (test_fairness.py) -----------------------------------------------------------
# Wilson score interval = prop.test without continuity correction.
for (xn in list(c(7, 20), c(45, 60), c(30, 50))) {
  show(sprintf("wilson 95%% %d/%d", xn[1], xn[2]), prop.test(xn[1], xn[2], correct = FALSE)$conf.int)
}
