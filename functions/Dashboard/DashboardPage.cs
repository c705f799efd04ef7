using System.Globalization;
using System.Net;
using System.Text;
using SfSync.Reconciling;
using SfSync.Runs;

namespace SfSync.Functions.Dashboard;

/// <summary>
/// The History page as HTML: no script, native controls only (keyboard-usable as they are), every region labelled by
/// its heading, every table with a caption and column headers, the chart an image with a text description.
/// </summary>
internal static class DashboardPage
{
    public const int GridRows = 50;

    private const string Style = """
        :root{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fafafa}
        body{margin:0 auto;max-width:78rem;padding:1rem}
        a.skip{position:absolute;left:-999px}a.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
        h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
        section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem}
        table{border-collapse:collapse;width:100%;font-size:.9rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
        th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .4rem;text-align:left;vertical-align:top}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        .banner{padding:.75rem 1rem;border-radius:6px;margin:.5rem 0;font-weight:600}
        .broken{background:#fde8e8;border:2px solid #b3261e;color:#7a1410}.fine{background:#e7f5ea;border:1px solid #2e7d32;color:#1b5e20}
        .notice{background:#e8f0fe;border:1px solid #1a56db}
        .ok{color:#1b7a2b;font-weight:700}.bad{color:#b3261e;font-weight:700}
        .status-Succeeded{color:#1b7a2b}.status-Failed,.status-CompletedWithErrors{color:#b3261e}.status-Paused{color:#8a5a00}
        meter{width:20rem;height:1.2rem}
        button,input,select{font:inherit;padding:.25rem .5rem}
        :focus-visible{outline:3px solid #1a56db;outline-offset:2px}
        .grid2{display:grid;grid-template-columns:1fr 1fr;gap:1rem}@media(max-width:60rem){.grid2{grid-template-columns:1fr}}
        """;

    public static string Render(DashboardModel m)
    {
        var html = new StringBuilder(32_000);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Sync history</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<a class=\"skip\" href=\"#runs\">Skip to the run history</a>")
            .Append("<header><h1>Salesforce ⇄ app sync: history</h1><p>As of <time datetime=\"").Append(H(Iso(m.Now))).Append("\">").Append(H(Short(m.Now))).Append(" UTC</time></p></header><main>");
        Banner(html, m);
        html.Append("<div class=\"grid2\">");
        Connections(html, m);
        Usage(html, m);
        html.Append("</div>");
        Runs(html, m);
        Chart(html, m);
        Search(html, m);
        Duplicates(html, m);
        DeadLetters(html, m);
        html.Append("</main></body></html>");
        return html.ToString();
    }

    private static void Banner(StringBuilder html, DashboardModel m)
    {
        if (m.Notice is { } notice)
        {
            html.Append("<p class=\"banner notice\" role=\"status\" id=\"notice\">").Append(H(notice)).Append("</p>");
        }

        var broken = m.Connections.Where(c => !c.Ok).ToList();
        if (broken.Count > 0)
        {
            html.Append("<div class=\"banner broken\" role=\"alert\" id=\"connection-banner\"><p>Broken connection: ")
                .Append(H(string.Join(", ", broken.Select(c => c.Name)))).Append(". Batches wait (deferred) until it is back; nothing is lost.</p><ul>");
            foreach (var c in broken)
            {
                html.Append("<li><strong>").Append(H(c.Name)).Append(":</strong> ").Append(H(c.Problem!)).Append("</li>");
            }

            html.Append("</ul></div>");
        }
    }

    private static void Connections(StringBuilder html, DashboardModel m)
    {
        html.Append("<section aria-labelledby=\"connections-h\" id=\"connections\"><h2 id=\"connections-h\">Connections</h2><table><caption>Connection state</caption>")
            .Append("<thead><tr><th scope=\"col\">Connection</th><th scope=\"col\">State</th><th scope=\"col\">Reason</th></tr></thead><tbody>");
        foreach (var c in m.Connections)
        {
            html.Append("<tr data-connection=\"").Append(H(c.Name)).Append("\"><th scope=\"row\">").Append(H(c.Name)).Append("</th><td>")
                .Append(c.Ok ? Mark(true, "Connected") : Mark(false, "Broken")).Append("</td><td>").Append(H(c.Problem ?? "")).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void Usage(StringBuilder html, DashboardModel m)
    {
        html.Append("<section aria-labelledby=\"usage-h\" id=\"usage\"><h2 id=\"usage-h\">Salesforce API usage</h2>");
        if (m.Usage is not { DailyMax: > 0 } u)
        {
            html.Append("<p>Not known yet: Salesforce reports it with the first call.</p></section>");
            return;
        }

        var pauseAt = (long)Math.Floor(u.DailyMax * m.PauseAtShare);
        html.Append("<label for=\"api-usage\">Calls used today, of the daily limit</label><br>")
            .Append("<meter id=\"api-usage\" min=\"0\" max=\"").Append(u.DailyMax).Append("\" low=\"").Append((long)(pauseAt * 0.9)).Append("\" high=\"").Append(pauseAt)
            .Append("\" optimum=\"0\" value=\"").Append(u.Used).Append("\">").Append(Pct(u.Share)).Append("</meter>")
            .Append("<p id=\"api-usage-text\">").Append(N(u.Used)).Append(" of ").Append(N(u.DailyMax)).Append(" calls (").Append(Pct(u.Share)).Append("); ")
            .Append(N(Math.Max(0, u.DailyMax - u.Used))).Append(" left. Planning pauses at ").Append(Pct(m.PauseAtShare)).Append(" (").Append(N(pauseAt)).Append(").")
            .Append(u.Share >= m.PauseAtShare ? " <strong class=\"bad\">Paused now.</strong>" : "")
            .Append(" Reported <time datetime=\"").Append(H(Iso(u.ObservedAt))).Append("\">").Append(H(Short(u.ObservedAt))).Append(" UTC</time>.</p></section>");
    }

    private static void Runs(StringBuilder html, DashboardModel m)
    {
        html.Append("<section aria-labelledby=\"runs-h\" id=\"runs\"><h2 id=\"runs-h\">Run history</h2>");
        if (m.RunsProblem is { } problem)
        {
            html.Append("<p class=\"bad\" role=\"alert\">The run history could not be read: ").Append(H(problem)).Append("</p></section>");
            return;
        }

        html.Append("<table id=\"run-grid\"><caption>The last ").Append(Math.Min(GridRows, m.Runs.Count)).Append(" runs, newest first. Counts per side: created / updated / deleted / unchanged / skipped / failed.</caption><thead><tr>")
            .Append("<th scope=\"col\">Run</th><th scope=\"col\">Trigger</th><th scope=\"col\">Started (UTC)</th><th scope=\"col\" class=\"n\">Duration</th><th scope=\"col\">Status</th>")
            .Append("<th scope=\"col\">Salesforce</th><th scope=\"col\">App</th><th scope=\"col\" class=\"n\">Conflicts</th><th scope=\"col\" class=\"n\">Blanks filled</th><th scope=\"col\" class=\"n\">Out of scope</th><th scope=\"col\" class=\"n\">Errors</th><th scope=\"col\">Details</th></tr></thead><tbody>");
        foreach (var run in m.Runs.Take(GridRows))
        {
            var errors = run.Totals.Salesforce.Failed + run.Totals.App.Failed;
            html.Append("<tr data-run-id=\"").Append(H(run.RunId)).Append("\"><th scope=\"row\"><code>").Append(H(run.RunId)).Append("</code></th><td>").Append(run.Trigger)
                .Append("</td><td><time datetime=\"").Append(H(Iso(run.StartedAt))).Append("\">").Append(H(Short(run.StartedAt))).Append("</time></td><td class=\"n\">")
                .Append(H(Duration(run, m.Now))).Append("</td><td class=\"status-").Append(run.Status).Append("\" data-status=\"").Append(run.Status).Append("\">").Append(run.Status)
                .Append("</td><td data-side=\"salesforce\">").Append(Counts(run.Totals.Salesforce)).Append("</td><td data-side=\"app\">").Append(Counts(run.Totals.App))
                .Append("</td><td class=\"n\" data-conflicts>").Append(run.Totals.Conflicts).Append("</td><td class=\"n\" data-blanks>").Append(run.Totals.BlanksFilled)
                .Append("</td><td class=\"n\" data-out-of-scope>").Append(run.Totals.OutOfScope)
                .Append("</td><td class=\"n\" data-errors>").Append(errors).Append("</td><td>");
            var details = run.Totals.Errors.Take(3).Select(H).ToList();
            if (run.Message is { Length: > 0 } message)
            {
                details.Insert(0, H(message));
            }

            html.Append(string.Join("<br>", details)).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void Chart(StringBuilder html, DashboardModel m)
    {
        const int width = 720, height = 160, top = 10, bottom = 20;
        var from = m.Now.AddHours(-24);
        var day = m.Runs.Where(r => r.StartedAt >= from).OrderBy(r => r.StartedAt).ToList();
        var records = day.Select(r => Total(r.Totals.Salesforce)).ToList();
        var errors = day.Select(r => r.Totals.Salesforce.Failed + r.Totals.App.Failed).ToList();
        var max = Math.Max(1, records.Concat(errors).DefaultIfEmpty(0).Max());
        var summary = $"{day.Count} runs in the last 24 hours: {records.Sum()} records, {errors.Sum()} errors; the most in one run: {records.DefaultIfEmpty(0).Max()} records.";
        html.Append("<section aria-labelledby=\"chart-h\" id=\"chart\"><h2 id=\"chart-h\">Records and errors per run, last 24 hours</h2>")
            .Append("<svg role=\"img\" aria-labelledby=\"chart-title chart-desc\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" width=\"100%\" height=\"").Append(height).Append("\">")
            .Append("<title id=\"chart-title\">Records and errors per run</title><desc id=\"chart-desc\">").Append(H(summary)).Append("</desc>")
            .Append("<line x1=\"0\" y1=\"").Append(height - bottom).Append("\" x2=\"").Append(width).Append("\" y2=\"").Append(height - bottom).Append("\" stroke=\"#999\"/>");
        var plot = height - top - bottom;
        for (var i = 0; i < day.Count; i++)
        {
            var x = (day[i].StartedAt - from).TotalMinutes / (24 * 60) * (width - 8);
            var h = (double)records[i] / max * plot;
            var e = (double)errors[i] / max * plot;
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar-records\" x=\"{x:0.#}\" y=\"{height - bottom - h:0.#}\" width=\"3\" height=\"{h:0.#}\" fill=\"#1a56db\"><title>{H(Short(day[i].StartedAt))}: {records[i]} records, {errors[i]} errors</title></rect>");
            if (errors[i] > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar-errors\" x=\"{x + 3:0.#}\" y=\"{height - bottom - e:0.#}\" width=\"3\" height=\"{Math.Max(1, e):0.#}\" fill=\"#b3261e\"/>");
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{height - 4}\" font-size=\"11\">{H(Short(from))}</text><text x=\"{width}\" y=\"{height - 4}\" font-size=\"11\" text-anchor=\"end\">now</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{top + 8}\" font-size=\"11\">max {max}</text></svg>")
            .Append("<p><span style=\"color:#1a56db\">■</span> records (Salesforce side) <span style=\"color:#b3261e\">■</span> errors (both sides). ").Append(H(summary)).Append("</p></section>");
    }

    private static void Search(StringBuilder html, DashboardModel m)
    {
        var s = m.Search;
        html.Append("<section aria-labelledby=\"search-h\" id=\"record-search\"><h2 id=\"search-h\">Find a record</h2>")
            .Append("<form method=\"get\" action=\"dashboard#record-search\" role=\"search\">").Append(CodeField(m))
            .Append("<label for=\"search-entity\">Object</label> <select id=\"search-entity\" name=\"entity\">")
            .Append(Option("Account", "Account / customer", s?.Entity)).Append(Option("Contact", "Contact", s?.Entity)).Append("</select> ")
            .Append("<label for=\"search-side\">Id from</label> <select id=\"search-side\" name=\"side\">")
            .Append(Option("salesforce", "Salesforce", s?.Side.ToLowerInvariant())).Append(Option("app", "the app", s?.Side.ToLowerInvariant())).Append("</select> ")
            .Append("<label for=\"search-id\">Id</label> <input id=\"search-id\" name=\"id\" required maxlength=\"100\" value=\"").Append(H(s?.Id ?? "")).Append("\"> ")
            .Append("<button type=\"submit\">Search</button></form>");
        if (s is null)
        {
            html.Append("</section>");
            return;
        }

        html.Append("<div id=\"record-result\" role=\"status\">");
        if (s.Problem is { } problem)
        {
            html.Append("<p class=\"bad\">The record status could not be read: ").Append(H(problem)).Append("</p>");
        }
        else if (s.Found is not { } found)
        {
            html.Append("<p>No sync attempt is recorded for ").Append(H(s.Entity)).Append(' ').Append(H(s.Side)).Append(" id <code>").Append(H(s.Id)).Append("</code>.</p>");
        }
        else
        {
            var failed = found.ErrorCode is not null || found.SalesforceOutcome.StartsWith("Failed", StringComparison.Ordinal) || found.AppOutcome.StartsWith("Failed", StringComparison.Ordinal);
            html.Append("<table><caption>").Append(failed ? Mark(false, "Failed") : Mark(true, "In sync")).Append(' ').Append(H(found.Entity.ToString())).Append("</caption><tbody>")
                .Append(Row("Status", failed ? "Failed" : "In sync", "record-status"))
                .Append(Row("Salesforce id", found.SalesforceId?.Value ?? "—", "record-salesforce-id"))
                .Append(Row("App id", found.AppId?.Value ?? "—", "record-app-id"))
                .Append(Row("Last sync (UTC)", found.LastSyncedAt is { } at ? Short(at) : "never", "record-last-sync"))
                .Append(Row("Last attempt (UTC)", Short(found.AttemptedAt), "record-last-attempt"))
                .Append(Row("Salesforce outcome", found.SalesforceOutcome, "record-salesforce-outcome"))
                .Append(Row("App outcome", found.AppOutcome, "record-app-outcome"))
                .Append(Row("Last error", found.Error is null ? "none" : $"{found.ErrorCode}: {found.Error}", "record-error"))
                .Append(Row("Run", found.RunId, "record-run"))
                .Append("</tbody></table>");
        }

        html.Append("</div></section>");
    }

    private static void Duplicates(StringBuilder html, DashboardModel m)
    {
        html.Append("<section aria-labelledby=\"duplicates-h\" id=\"duplicates\"><h2 id=\"duplicates-h\">Open duplicates</h2>");
        if (m.Duplicates is not { } open)
        {
            html.Append("<p class=\"bad\">The duplicates could not be read: ").Append(H(m.DuplicatesProblem ?? "")).Append("</p></section>");
            return;
        }

        if (open.Count == 0)
        {
            html.Append("<p id=\"duplicate-count\" data-count=\"0\">").Append(Mark(true, "None")).Append(" No Salesforce contacts share an e-mail.</p></section>");
            return;
        }

        html.Append("<p id=\"duplicate-count\" data-count=\"").Append(open.Count).Append("\">").Append(Mark(false, "Attention"))
            .Append($" {open.Count} {(open.Count == 1 ? "e-mail is" : "e-mails are")} shared by several Salesforce contacts: the one linked is synced, the others are reported, not copied (Sync:Duplicates).</p>")
            .Append("<table id=\"duplicate-grid\"><caption>Salesforce contacts sharing an e-mail</caption><thead><tr><th scope=\"col\">E-mail</th><th scope=\"col\">Synced</th><th scope=\"col\">Others</th><th scope=\"col\">Since (UTC)</th></tr></thead><tbody>");
        foreach (var d in open)
        {
            html.Append("<tr><th scope=\"row\">").Append(H(d.Email ?? "—")).Append("</th><td><code>").Append(H(d.Linked ?? "—")).Append("</code></td><td>")
                .Append(string.Join(", ", d.Others.Select(o => $"<code>{H(o)}</code>"))).Append("</td><td>").Append(H(Short(d.Since))).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void DeadLetters(StringBuilder html, DashboardModel m)
    {
        html.Append("<section aria-labelledby=\"dead-h\" id=\"dead-letters\"><h2 id=\"dead-h\">Dead-letter queue</h2>");
        if (m.DeadLetters is not { } letters)
        {
            html.Append("<p class=\"bad\">The queue could not be read: ").Append(H(m.DeadLettersProblem ?? "")).Append("</p></section>");
            return;
        }

        html.Append("<p id=\"dead-letter-depth\" data-depth=\"").Append(letters.Depth).Append("\">")
            .Append(letters.Depth == 0 ? Mark(true, "Empty") + " Nothing is dead-lettered." : $"{Mark(false, "Attention")} {letters.Depth}{(letters.DepthIsLowerBound ? "+" : "")} dead-lettered {(letters.Depth == 1 ? "message" : "messages")}: batches the handler could not answer ten times. Replay sends them again through the outbox.")
            .Append("</p>");
        if (letters.Latest.Count == 0)
        {
            html.Append("</section>");
            return;
        }

        var action = "sync/deadletters/replay" + (m.Code is { Length: > 0 } code ? "?code=" + Uri.EscapeDataString(code) : "");
        html.Append("<table id=\"dead-letter-grid\"><caption>The newest dead-lettered messages</caption><thead><tr><th scope=\"col\">Batch</th><th scope=\"col\">Run</th><th scope=\"col\">Entity</th>")
            .Append("<th scope=\"col\" class=\"n\">Deliveries</th><th scope=\"col\">Reason</th><th scope=\"col\">Enqueued (UTC)</th><th scope=\"col\">Replay</th></tr></thead><tbody>");
        foreach (var letter in letters.Latest)
        {
            html.Append("<tr data-batch-id=\"").Append(H(letter.BatchId ?? "")).Append("\"><th scope=\"row\"><code>").Append(H(letter.BatchId ?? letter.MessageId)).Append("</code></th><td><code>")
                .Append(H(letter.RunId ?? "—")).Append("</code></td><td>").Append(H(letter.Entity?.ToString() ?? "—")).Append("</td><td class=\"n\">").Append(letter.DeliveryCount)
                .Append("</td><td>").Append(H(string.Join(": ", new[] { letter.Reason, letter.Description }.Where(t => !string.IsNullOrEmpty(t))))).Append("</td><td>")
                .Append(H(Short(letter.EnqueuedAt))).Append("</td><td>");
            if (letter.BatchId is { } batchId)
            {
                html.Append("<form method=\"post\" action=\"").Append(H(action)).Append("\"><input type=\"hidden\" name=\"batchId\" value=\"").Append(H(batchId))
                    .Append("\"><button type=\"submit\" aria-label=\"Replay batch ").Append(H(batchId)).Append("\">Replay</button></form>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</tbody></table><form method=\"post\" action=\"").Append(H(action)).Append("\"><p><button type=\"submit\" id=\"replay-all\">Replay all dead-lettered batches</button></p></form></section>");
    }

    private static string Counts(SideCounts c) =>
        $"<span aria-label=\"{c.Created} created, {c.Updated} updated, {c.Deleted} deleted, {c.Unchanged} unchanged, {c.Skipped} skipped, {c.Failed} failed\">{c.Created} / {c.Updated} / {c.Deleted} / {c.Unchanged} / {c.Skipped} / {(c.Failed > 0 ? $"<strong class=\"bad\">{c.Failed}</strong>" : "0")}</span>";

    private static int Total(SideCounts c) => c.Created + c.Updated + c.Deleted + c.Unchanged + c.Skipped + c.Failed;

    private static string Mark(bool ok, string label) => ok
        ? $"<span class=\"ok\" role=\"img\" aria-label=\"{H(label)}\" data-mark=\"ok\">✓</span>"
        : $"<span class=\"bad\" role=\"img\" aria-label=\"{H(label)}\" data-mark=\"failed\">✗</span>";

    private static string Row(string label, string value, string id) => $"<tr><th scope=\"row\">{H(label)}</th><td id=\"{id}\">{H(value)}</td></tr>";

    private static string Option(string value, string label, string? selected) =>
        $"<option value=\"{H(value)}\"{(string.Equals(value, selected, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{H(label)}</option>";

    private static string CodeField(DashboardModel m) => m.Code is { Length: > 0 } code ? $"<input type=\"hidden\" name=\"code\" value=\"{H(code)}\">" : "";

    private static string Duration(SyncRun run, DateTimeOffset now)
    {
        var span = (run.EndedAt ?? now) - run.StartedAt;
        var text = span.TotalSeconds < 60 ? $"{span.TotalSeconds:0.0} s" : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min {span.Seconds} s" : $"{(int)span.TotalHours} h {span.Minutes} min";
        return run.EndedAt is null ? text + " so far" : text;
    }

    private static string H(string text) => WebUtility.HtmlEncode(text);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Short(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Pct(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
