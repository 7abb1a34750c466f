# CUSUM fixtures: surveillance::cusum on every fixture series. R has no default range,
# so every case states one; "default" uses Tocsin's default split (freq+1 to the end).
# Work from this script's folder, so it also runs as `Rscript path/to/cusum.R` from anywhere.
setwd(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))))
source(file.path("lib", "fixtures.R"))

cases <- function(n) list(
  list(case = "default", params = list(range = sprintf("53:%d", n))),
  list(case = "rossi-k05-h4", params = list(range = sprintf("105:%d", n), k = "0.5", h = "4", trans = "rossi")),
  list(case = "glm-anscombe", params = list(range = sprintf("105:%d", n), m = "glm", trans = "anscombe"), glm = TRUE),
  list(case = "anscombe2nd", params = list(range = sprintf("80:%d", n), trans = "anscombe2nd", h = "3")),
  list(case = "glm-pearsonnegbin", params = list(range = sprintf("105:%d", n), m = "glm", trans = "pearsonNegBin", alpha = "0.2"), glm = TRUE),
  list(case = "fixed-m-none", params = list(range = sprintf("20:%d", n), m = "3", trans = "none", k = "4", h = "12"))
)

for (s in fixture_series()) {
  n <- length(s$counts)
  for (cs in cases(n)) {
    if (isTRUE(cs$glm) && all(s$counts == 0)) next # Poisson GLM of all zeros has no MLE
    control <- control_from_params(cs$params)
    sts <- as_sts(s)
    res <- cusum(sts, control = control)
    raw <- surveillance:::algo.cusum(sts2disProg(sts), control = control)
    rows <- rows_from_range(n, control$range, res@upperbound[, 1], res@alarm[, 1],
      expected = rep_len(raw$control$m, length(control$range)), score = raw$cusum)
    write_fixture("cusum", paste(s$name, cs$case, sep = "--"), s, cs$params, rows)
  }
}
