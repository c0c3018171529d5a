#!/usr/bin/env Rscript
# 城市比较 · Comparing jurisdictions — the R version of notebooks/compare_cities.ipynb.
#
# Reads the Parquet tables `banli run` writes the way R users do (arrow::open_dataset + dplyr +
# ggplot2): `comparison.parquet` (one row per jurisdiction, issuer, channel and year) for the
# outcome comparison with bounds and the year-over-year view, the per-report tables (folders
# partitioned by year: outcomes/year=2021/part-0.parquet) for the details. Prints the tables, saves
# an interval chart (dot = exact share, bar = bounds) as a PNG, and checks key numbers with stopifnot().
#
#   Rscript notebooks/compare_cities.R [OUT_DIR]      # default: $BANLI_OUT, else outputs/
#
# Packages: dplyr, ggplot2 and, preferably, arrow. Where the arrow R package is missing (Debian
# bookworm has no r-cran-arrow; install.packages("arrow") needs CRAN), the script falls back to
# reading through reticulate + Python's pyarrow (marked FALLBACK below). tests/python/run.sh runs it
# that way with BANLI_PYTHON=target/pyenv/bin/python.
#
# Env: BANLI_OUT (outputs folder), BANLI_PYTHON (python with pyarrow, fallback only),
#      BANLI_CJK_FONT / BANLI_CJK_FAMILY (a font with Chinese glyphs for the PNG),
#      BANLI_FIGURES (folder for the PNG; default a temp dir),
#      BANLI_ALLOW_PENDING_METADATA=1 (skip the checks that need inferred jurisdiction/year).

suppressPackageStartupMessages({
  library(dplyr)
  library(ggplot2)
})

options(width = 160)
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[[1]] else Sys.getenv("BANLI_OUT", "outputs")
if (!file.exists(file.path(out_dir, "datapackage.json"))) {
  stop("no datapackage.json in ", out_dir, ": run `banli run --out ", out_dir, "` first")
}
# Per-report tables are folders partitioned by year (`outcomes/year=2021/part-0.parquet`):
# open_dataset() reads the folder whole and adds an integer `year` column from the folder names.
# Reports whose year handled is unknown sit in `year=0`, so `year` is 0 (not NA) for them while
# `documents$year_handled` and `comparison$year` are NA: treat 0 as unknown, never as a year
# (`na_if(year, 0L)`, or filter(year != 0L)). The cross-year tables (comparison, trends, themes,
# topic_mix) and findings are single files.
table_path <- function(name) {
  folder <- file.path(out_dir, name)
  if (dir.exists(folder)) folder else file.path(out_dir, paste0(name, ".parquet"))
}

have_arrow <- requireNamespace("arrow", quietly = TRUE)

if (have_arrow) {
  # ---- the normal path: the arrow R package ----
  message("reading with the arrow R package ", as.character(packageVersion("arrow")))
  open_table <- function(name) arrow::open_dataset(table_path(name)) # hive partitioning is the default
  reader <- "arrow"
} else {
  # ---- FALLBACK: no arrow R package; read through reticulate + pyarrow ----------------------
  # reticulate 1.28 (Debian bookworm) cannot convert NumPy 2 arrays or pandas 3 frames (py_to_r
  # silently returns the Python object), so nothing goes through NumPy/pandas: each column is
  # turned into a Python list (Table.column(i).to_pylist()) and rebuilt as an R vector with the
  # type R's arrow would give it. date32 is cast to string in pyarrow, then as.Date() here.
  # pyarrow.dataset with partitioning = "hive" reads a partitioned folder as open_dataset() does
  # (`year` int32; pq.read_table would dictionary-encode it).
  message("FALLBACK: the arrow R package is not installed; reading Parquet through reticulate + pyarrow")
  suppressPackageStartupMessages(library(reticulate))
  py_bin <- Sys.getenv("BANLI_PYTHON", "")
  if (nzchar(py_bin)) use_python(py_bin, required = TRUE)
  pa <- import("pyarrow", convert = FALSE)
  pds <- import("pyarrow.dataset", convert = FALSE)
  builtins <- import_builtins(convert = FALSE)
  message("  python ", py_config()$python, ", pyarrow ", py_to_r(pa$`__version__`))

  na_to <- function(values, na) {
    if (!is.list(values)) return(values)
    vapply(values, function(v) if (is.null(v)) na else v, na)
  }

  read_via_pyarrow <- function(path) {
    tbl <- pds$dataset(path, format = "parquet", partitioning = "hive")$to_table()
    names <- py_to_r(tbl$schema$names)
    n <- py_to_r(tbl$num_rows)
    cols <- list()
    for (i in seq_along(names)) {
      col <- tbl$column(i - 1L)
      type <- py_to_r(builtins$str(col$type))
      if (type == "date32[day]") col <- col$cast(pa$string())
      values <- if (n > 0) py_to_r(col$to_pylist()) else list()
      cols[[names[[i]]]] <- switch(type,
        "string" = as.character(na_to(values, NA_character_)),
        "bool" = as.logical(na_to(values, NA)),
        "double" = as.double(na_to(lapply(values, function(v) if (is.null(v)) NULL else as.double(v)), NA_real_)),
        "int32" = as.integer(na_to(lapply(values, function(v) if (is.null(v)) NULL else as.integer(v)), NA_integer_)),
        "int64" = {
          # R's arrow: int64 -> R integer when every value fits, else bit64::integer64 (here: double)
          v <- as.double(na_to(lapply(values, function(v) if (is.null(v)) NULL else as.double(v)), NA_real_))
          if (all(is.na(v) | abs(v) <= .Machine$integer.max)) as.integer(v) else v
        },
        "date32[day]" = as.Date(as.character(na_to(values, NA_character_))),
        "list<item: string>" = I(lapply(values, function(v) if (is.null(v)) character(0) else as.character(unlist(v)))),
        stop("fallback reader: unsupported arrow type ", type, " in ", path, "$", names[[i]])
      )
    }
    tibble::as_tibble(cols)
  }
  open_table <- function(name) read_via_pyarrow(table_path(name))
  reader <- "reticulate+pyarrow (fallback)"
}

# ---- the analysis: identical for both readers (collect() is a no-op on a data frame) ----------

documents <- open_table("documents") |>
  select(doc_id, source_path, collection, jurisdiction_zh, jurisdiction_en, channel, year_handled, report_date, year) |>
  collect()
outcomes <- open_table("outcomes") |>
  filter(tier %in% c("resolved", "addressed")) |>
  select(doc_id, tier, count_low, count_high, share_low, share_high, universe, universe_count, exact) |>
  collect()
comparison <- open_table("comparison") |>
  select(series_key, label, jurisdiction_key, jurisdiction_en, issuer_kind, channel, year, doc_id, source_path,
         n_reports, total_items, has_outcome_scheme, universe, universe_count,
         resolved_share_low, resolved_share_high, resolved_exact,
         addressed_share_low, addressed_share_high, addressed_exact, satisfaction, satisfaction_definition) |>
  collect()
trends <- open_table("trends") |>
  filter(metric %in% c("total_items", "resolved_share")) |>
  select(label, jurisdiction_key, issuer_kind, channel, metric, year_from, year_to, doc_id_from, doc_id_to,
         from_low, from_high, to_low, to_high, change_low, change_high, exact, comparable) |>
  collect()

channel_zh <- c(npc_suggestion = "人大建议", cppcc_proposal = "政协提案", both = "建议提案")
comparison <- comparison |>
  mutate(
    # 漯河 Luohe 2021 人大建议 (the issuer kind too where that alone would be ambiguous)
    name = gsub(" +", " ", trimws(paste(label, ifelse(is.na(year), "", year), ifelse(is.na(channel), "", channel_zh[channel])))),
    name = ifelse(duplicated(name) | duplicated(name, fromLast = TRUE), paste0(name, " (", issuer_kind, ")"), name),
    name = make.unique(name, sep = " #")
  ) |>
  arrange(desc(resolved_share_high), desc(resolved_share_low))

cat("\nreader:", reader, "\n")
# reports per year handled; year 0 is the partition of the reports whose year is unknown: label it
per_year <- documents |>
  mutate(year = if_else(year == 0L, "unknown 未知", as.character(year))) |>
  count(year, name = "reports") # "unknown" sorts after the years
cat("\nreports per year:", paste0(per_year$year, ": ", per_year$reports, collapse = ", "), "\n")
cat("\n办理结果占比 · outcome shares (percent of each report's universe; low = wholly inside, high = touching + unclassified)\n")
print(as.data.frame(comparison |>
  filter(has_outcome_scheme) |>
  select(name, resolved_share_low, resolved_share_high, resolved_exact, universe, universe_count, n_reports)), row.names = FALSE)

no_scheme <- comparison |> filter(!has_outcome_scheme)
cat("\n无办理结果分类（未知，不是零）· no outcome scheme (unknown, not zero):", paste(no_scheme$name, collapse = "、"), "\n")

yoy <- comparison |>
  filter(!is.na(year)) |> # comparison$year is NA (not 0) for a report of unknown year
  group_by(series_key) |>
  filter(n_distinct(year) > 1) |>
  ungroup() |>
  arrange(series_key, year)
cat("\n历年变化 · year over year (resolved)\n")
if (nrow(yoy) > 0) {
  print(as.data.frame(yoy |> select(label, issuer_kind, channel, year, resolved_share_low, resolved_share_high, resolved_exact,
                                    total_items)), row.names = FALSE)
  cat("\nchanges between consecutive years (intervals: change_low … change_high)\n")
  print(as.data.frame(trends |> arrange(label, metric, year_to) |>
    select(label, channel, metric, year_from, year_to, change_low, change_high, exact, comparable)), row.names = FALSE)
} else {
  cat("  no jurisdiction with several years (is report metadata inferred?)\n")
}

# ---- chart: dot = exact, bar = bounds ----------------------------------------------------------

font_file <- Sys.getenv("BANLI_CJK_FONT", "")
if (!nzchar(font_file)) {
  shipped <- Sys.glob(file.path(c(".", ".."), "assets", "fonts", "*.[ot]tf"))
  if (length(shipped)) font_file <- shipped[[1]]
}
family <- ""
if (nzchar(font_file) && file.exists(font_file)) {
  # Make the font visible to fontconfig (used by the cairo PNG device) without installing it.
  conf <- file.path(tempdir(), "banli-fonts.conf")
  writeLines(c(
    '<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', "<fontconfig>",
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    paste0("  <dir>", normalizePath(dirname(font_file)), "</dir>"),
    paste0("  <cachedir>", file.path(tempdir(), "fontconfig-cache"), "</cachedir>"),
    "</fontconfig>"
  ), conf)
  Sys.setenv(FONTCONFIG_FILE = conf)
  family <- Sys.getenv("BANLI_CJK_FAMILY", "Noto Sans SC")
} else {
  message("no CJK font (set BANLI_CJK_FONT): Chinese labels in the PNG will show as boxes")
}

tier_zh <- c(resolved = "已解决 · resolved", addressed = "已解决或在办/列入计划 · addressed")
shown <- comparison |> filter(has_outcome_scheme) # already sorted by the resolved share
plot_data <- bind_rows(
  shown |> transmute(name, universe, tier = "resolved", share_low = resolved_share_low,
                     share_high = resolved_share_high, exact = resolved_exact),
  shown |> transmute(name, universe, tier = "addressed", share_low = addressed_share_low,
                     share_high = addressed_share_high, exact = addressed_exact)
) |>
  mutate(
    tier = factor(tier_zh[tier], levels = tier_zh),
    name = factor(name, levels = rev(shown$name))
  )
p <- ggplot(plot_data, aes(y = name)) +
  geom_linerange(data = filter(plot_data, !exact), aes(xmin = share_low, xmax = share_high, colour = universe == "all_items"),
                 linewidth = 2.5, alpha = 0.5) +
  geom_point(data = filter(plot_data, exact), aes(x = share_low, colour = universe == "all_items"), size = 2.2) +
  facet_wrap(~tier) +
  scale_colour_manual(values = c(`TRUE` = "#1f77b4", `FALSE` = "#d62728"),
                      labels = c(`TRUE` = "全部建议 all items", `FALSE` = "其他分母 other universe"), name = NULL) +
  scale_x_continuous(limits = c(0, 100)) +
  scale_y_discrete(limits = levels(plot_data$name)) + # keep the sort order (layers are subsets)
  labs(
    title = "办理结果占比（点 = 精确，条 = 区间）· Outcome shares (dot = exact, bar = bounds)",
    x = "占比 % · share of items", y = NULL,
    caption = paste0("banli outputs: ", normalizePath(out_dir), " · read with ", reader)
  ) +
  theme_minimal(base_size = 9, base_family = family) +
  theme(legend.position = "bottom")

fig_dir <- Sys.getenv("BANLI_FIGURES", tempdir())
dir.create(fig_dir, showWarnings = FALSE, recursive = TRUE)
png_path <- file.path(fig_dir, "outcomes_intervals_R.png")
ggsave(png_path, p, width = 10, height = 0.22 * nrow(shown) + 2, dpi = 110,
       device = "png", bg = "white")
cat("\nchart:", png_path, "\n")

# ---- checks ------------------------------------------------------------------------------------

doc_of <- function(collection_, source_path_) {
  d <- documents |> filter(collection == collection_, source_path == source_path_)
  stopifnot(nrow(d) == 1)
  d$doc_id
}
tier_of <- function(doc, tier_) {
  r <- outcomes |> filter(doc_id == doc, tier == tier_)
  stopifnot(nrow(r) == 1)
  r
}
zibo <- doc_of("seeds", "004_df3f381640407c6d.txt")
luohe <- doc_of("seeds", "000_6eb6392cfb31baf9.txt")
luohe_2020 <- doc_of("cases", "033_luohe-shi-zhengfu-2020.txt")
jinan <- doc_of("seeds", "002_d093becb07e2e9c2.txt")

# the per-report table
z <- tier_of(zibo, "resolved")
stopifnot(z$share_low == 0, z$share_high == 52.8, !z$exact, z$count_high == 230)
za <- tier_of(zibo, "addressed")
stopifnot(za$share_low == 98.2, za$share_high == 98.2, za$exact)
l <- tier_of(luohe, "resolved")
stopifnot(l$share_low == 58.7, l$share_high == 58.7, l$exact)
stopifnot(!(jinan %in% outcomes$doc_id), jinan %in% no_scheme$doc_id)
# the year partition column is the year handled, 0 exactly where that is unknown (NA)
stopifnot(!anyNA(documents$year), identical(na_if(documents$year, 0L), documents$year_handled),
          sum(per_year$reports) == nrow(documents))
# comparison keeps the year handled of the report that speaks for the row (NA, not 0, when unknown)
stopifnot(identical(comparison$year, documents$year_handled[match(comparison$doc_id, documents$doc_id)]))

# comparison carries the same numbers (what the chart shows)
zc <- comparison |> filter(doc_id == zibo)
stopifnot(nrow(zc) == 1, zc$resolved_share_low == 0, zc$resolved_share_high == 52.8, !zc$resolved_exact,
          zc$addressed_share_low == 98.2, zc$addressed_share_high == 98.2, zc$addressed_exact)
lc <- comparison |> filter(doc_id == luohe)
stopifnot(nrow(lc) == 1, lc$resolved_share_low == 58.7, lc$resolved_exact, lc$total_items == 230)
stopifnot(!comparison$has_outcome_scheme[comparison$doc_id == jinan], is.na(comparison$resolved_share_low[comparison$doc_id == jinan]))

# the types R ends up with (what R's arrow gives for the contract's Parquet types)
stopifnot(
  is.character(documents$doc_id), is.integer(documents$year_handled), is.integer(documents$year),
  inherits(documents$report_date, "Date"),
  is.double(outcomes$share_low), is.integer(outcomes$count_low) || is.double(outcomes$count_low),
  is.logical(outcomes$exact), is.integer(comparison$year), is.double(comparison$resolved_share_low),
  is.logical(comparison$resolved_exact), is.integer(trends$year_from), is.double(trends$change_low)
)

pending <- Sys.getenv("BANLI_ALLOW_PENDING_METADATA") == "1" && all(is.na(documents$jurisdiction_zh))
if (pending) {
  cat("SKIPPED metadata checks: BANLI_ALLOW_PENDING_METADATA=1 and jurisdiction not inferred yet\n")
} else {
  zd <- documents |> filter(doc_id == zibo)
  stopifnot(startsWith(zd$jurisdiction_zh, "淄博"), startsWith(zd$jurisdiction_en, "Zibo"), zd$year_handled == 2020L)
  stopifnot(zc$jurisdiction_key == "淄博市", zc$year == 2020L, startsWith(lc$name, "漯河 Luohe 2021"))
  luohe_years <- yoy |> filter(jurisdiction_key == "漯河市", channel == "npc_suggestion") |> pull(year)
  chongqing_years <- yoy |> filter(jurisdiction_key == "重庆市", channel == "npc_suggestion") |> pull(year)
  stopifnot(all(c(2020L, 2021L) %in% luohe_years), all(c(2023L, 2024L) %in% chongqing_years))
  lt <- trends |> filter(jurisdiction_key == "漯河市", metric == "total_items")
  stopifnot(nrow(lt) == 1, lt$year_from == 2020L, lt$year_to == 2021L, lt$doc_id_from == luohe_2020,
            lt$doc_id_to == luohe, lt$to_low == 230)
}
cat("R checks passed (", reader, ")\n", sep = "")
