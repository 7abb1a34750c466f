# GLR-NB fixtures: surveillance::glrnb (change = "intercept") on every fixture series.
# R has no default range; "default" uses Tocsin's default split (freq+1 to the end).
# Work from this script's folder, so it also runs as `Rscript path/to/glrnb.R` from anywhere.
setwd(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))))
source(file.path("lib", "fixtures.R"))

cases <- function(n) list(
  list(case = "default", params = list(range = sprintf("53:%d", n)), fit = TRUE),
  list(case = "poisson-carl3", params = list(range = sprintf("105:%d", n), alpha = "0", c.ARL = "3"), fit = TRUE),
  list(case = "poisson-window", params = list(range = sprintf("105:%d", n), alpha = "0", M = "20", Mtilde = "2"), fit = TRUE),
  list(case = "nb-fixed-alpha-trend", params = list(range = sprintf("105:%d", n), alpha = "0.2", mu0.S = "2", mu0.trend = "true"), fit = TRUE),
  list(case = "lr-poisson", params = list(range = sprintf("105:%d", n), alpha = "0", theta = "0.7"), fit = TRUE),
  list(case = "lr-nb", params = list(range = sprintf("105:%d", n), alpha = "0.1", theta = "0.5", c.ARL = "4"), fit = TRUE),
  list(case = "poisson-cases", params = list(range = sprintf("105:%d", n), alpha = "0", ret = "cases"), fit = TRUE),
  list(case = "lr-nb-cases", params = list(range = sprintf("105:%d", n), alpha = "0.1", theta = "0.5", ret = "cases"), fit = TRUE),
  list(case = "nb-cases-short", params = list(range = sprintf("%d:%d", n - 11, n), alpha = "0.15", ret = "cases"), fit = TRUE),
  list(case = "poisson-dec", params = list(range = sprintf("105:%d", n), alpha = "0", dir = "dec"), fit = TRUE),
  list(case = "fixed-mu0", params = list(range = sprintf("20:%d", n), mu0 = "2.5", alpha = "0.3", M = "30"), fit = FALSE)
)

for (s in fixture_series()) {
  n <- length(s$counts)
  for (cs in cases(n)) {
    if (cs$fit && all(s$counts == 0)) next # no in-control model can be fitted to all zeros
    control <- control_from_params(cs$params)
    if (!is.null(control$mu0) && !is.list(control$mu0)) control$mu0 <- rep(control$mu0, length(control$range))
    res <- tryCatch(suppressMessages(suppressWarnings(glrnb(as_sts(s), control = control))),
      error = function(e) { message(sprintf("  skipped %s/%s: %s", s$name, cs$case, conditionMessage(e))); NULL })
    if (is.null(res)) next
    ret_cases <- identical(cs$params$ret, "cases")
    rows <- rows_from_range(n, control$range, res@upperbound[, 1], res@alarm[, 1],
      expected = res@control$mu0, score = if (ret_cases) NULL else res@upperbound[, 1])
    write_fixture("glr-nb", paste(s$name, cs$case, sep = "--"), s, cs$params, rows)
  }
}
