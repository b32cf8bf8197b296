using System.Globalization;
using System.Text.RegularExpressions;
using LlmForge.Tests.Checkpoints;
using Gpt2Vocabulary = LlmForge.Tests.Tokenization.Gpt2Vocabulary;
using Xunit;

namespace LlmForge.Tests.Samples;

/// <summary>
/// The learner samples (samples/NN-Name), each run with no arguments but an output folder, as a reader runs it: exit 0,
/// the figures the chapter teaches read back from its standard output, and its pictures valid PNG files.
/// </summary>
public class LearnSamplesTests
{
    private static string[] SplitLines(string stdout) => stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>The number printed after <paramref name="label"/> on the one line holding it.</summary>
    private static double NumberAfter(string stdout, string label)
    {
        string line = Assert.Single(SplitLines(stdout), l => l.Contains(label, StringComparison.Ordinal));
        var match = Regex.Match(line[(line.IndexOf(label, StringComparison.Ordinal) + label.Length)..], @"-?[0-9][0-9.]*(E[-+]?[0-9]+)?");
        Assert.True(match.Success, $"no number after '{label}' in: {line}");
        return double.Parse(match.Value, CultureInfo.InvariantCulture);
    }

    /// <summary>A PNG: the 8-byte signature, then IHDR with the picture's width and height.</summary>
    private static void AssertPng(string path, int width, int height) => PngFile.AssertValid(path, width, height);

    [Fact]
    public async Task Autograd_reproduces_the_worked_example_by_hand_and_with_tensors_and_one_SGD_step_lowers_the_loss()
    {
        string stdout = await SampleProcess.RunToSuccess("01-Autograd", "01-autograd");

        // The course's figures, once from the scalar Value and once from LlmForge's tensors.
        Assert.Contains("Value:  dL/dw = -0.0898   dL/db = -0.0817", stdout);
        Assert.Contains("Tensor: L = 0.0852   dL/dw = -0.0898   dL/db = -0.0817", stdout);
        double maxError = NumberAfter(stdout, "max |autograd − numeric| = ");
        Assert.True(maxError <= 1e-6, $"autograd vs finite differences: {maxError}");
        Assert.Contains("d(u·u)/du = 6.0", stdout);
        Assert.Contains("requires grad: False", stdout);
        double before = NumberAfter(stdout, "loss before = "), after = NumberAfter(stdout, "loss after one step (lr 0.5) = ");
        Assert.True(after < before, $"one SGD step: {before} → {after}");
    }

    [Fact]
    public async Task Tokenizers_round_trip_every_sentence_and_GPT2_encodes_Hello_I_am_as_GPT2_does()
    {
        string stdout = await SampleProcess.RunToSuccess("02-Tokenizers", "02-tokenizers");

        Assert.DoesNotContain("NOT the text", stdout);
        Assert.Contains("2. Byte-level BPE learned on the text: 256 bytes + 300 merges + <|endoftext|> = vocabulary 557", stdout);
        Assert.Matches(@"first merges: \S+ \+ \S+ → \S+", stdout);
        Assert.Contains("##", SplitLines(stdout).Single(l => l.Contains("pieces: an ", StringComparison.Ordinal)));
        // GPT-2's files are where the tokenizer tests find them (.ci/setup fetches them); without them the part is skipped.
        bool gpt2Present = File.Exists(Path.Combine(Gpt2Vocabulary.RepositoryRoot(), "artifacts", "gpt2", "encoder.json"))
            || File.Exists(Path.Combine(Environment.GetEnvironmentVariable("LLMFORGE_GPT2_DIR") ?? "/nonexistent", "encoder.json"));
        if (gpt2Present)
        {
            Assert.Contains("   pieces: Hello ,  ␣I  ␣am\n   ids:    15496 11 314 716\n", stdout.Replace("\r", ""));
            Assert.Contains("GPT-2 BPE      vocabulary 50,257", stdout);
        }
        else Assert.Contains("3. GPT-2's BPE: skipped", stdout);
        // Subwords carry more characters per token than characters do (exactly 1.00).
        double charPerToken = double.Parse(Regex.Match(SplitLines(stdout).Single(l => l.StartsWith("   BPE (learned)", StringComparison.Ordinal)),
            @"characters per token ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(charPerToken > 1.5, $"learned BPE: {charPerToken} characters per token");
    }

    [Fact]
    public async Task Before_attention_bigram_counts_lose_to_Bengios_MLP_which_loses_to_the_baby_GPT_on_the_same_split()
    {
        string stdout = await SampleProcess.RunToSuccess("03-BeforeAttention", "03-before-attention");
        string[] lines = SplitLines(stdout);

        // The table's rows: model, context, parameters, val cross-entropy, val perplexity.
        double Perplexity(string model, int context)
        {
            string row = Assert.Single(lines, l => l.StartsWith(model + " ", StringComparison.Ordinal));
            var cells = Regex.Split(row[model.Length..].Trim(), @"\s+");
            Assert.Equal(context.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.True(long.Parse(cells[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0, row);
            double crossEntropy = double.Parse(cells[2], CultureInfo.InvariantCulture), perplexity = double.Parse(cells[3], CultureInfo.InvariantCulture);
            Assert.InRange(perplexity, Math.Exp(crossEntropy) - 0.01, Math.Exp(crossEntropy) + 0.01);
            return perplexity;
        }
        double bigram = Perplexity("bigram (add-one)", 1), mlp = Perplexity("Bengio MLP", 6), gpt = Perplexity("baby GPT", 64);
        Assert.True(bigram > mlp && mlp > gpt, $"perplexities: bigram {bigram}, MLP {mlp}, GPT {gpt}");
        Assert.Contains("perplexity: bigram > MLP > GPT", lines);
    }

    [Fact]
    public async Task Embeddings_equal_a_Linear_on_one_hot_start_at_GPT2s_std_and_training_groups_the_vowels()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("04-Embeddings", "04-embeddings", output.Path);
        string[] lines = SplitLines(stdout);

        // The lookup and the one-hot product: the same numbers forward and the same gradient backward, only in looked-up rows.
        Assert.True(NumberAfter(stdout, "forward: max difference ") <= 1e-7);
        Assert.True(NumberAfter(stdout, "backward: max difference between the two gradients ") <= 1e-7);
        Assert.Contains("   rows with a gradient: 0, 2, 5 (only the ids looked up)", stdout);
        Assert.True(NumberAfter(stdout, "row 2 = g[0] + g[2], max difference ") <= 1e-6);
        // The initial table: N(0, 0.02²) (measured std), random directions nearly perpendicular, a near-uniform start.
        string initial = Assert.Single(lines, l => l.StartsWith("3. Initial tok_emb.weight: ", StringComparison.Ordinal));
        Assert.InRange(double.Parse(Regex.Match(initial, @"std ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture), 0.018, 0.022);
        Assert.InRange(NumberAfter(stdout, "mean |cosine| between two different rows: "), 0.08, 0.12);
        string untrained = Assert.Single(lines, l => l.StartsWith("   untrained val loss: ", StringComparison.Ordinal));
        var losses = Regex.Matches(untrained, @": ([0-9.]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(losses[0] < losses[1] - 1, $"σ = 0.02 starts near ln V, σ = 1 far above: {untrained}");
        // One row through ParameterView is what the lookup returns.
        var row = Regex.Match(Assert.Single(lines, l => l.Contains("the lookup of id ", StringComparison.Ordinal)), @"the lookup of id [0-9]+: max difference ([0-9.E+-]+)$");
        Assert.True(row.Success && double.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture) == 0, row.Value);
        // Training: the loss falls, and the vowels' vectors end up closer to each other than to the consonants'.
        string cohesion = Assert.Single(lines, l => l.Contains("vowel cohesion", StringComparison.Ordinal));
        var c = Regex.Match(cohesion, @"before (-?[0-9.]+), after (-?[0-9.]+)");
        double before = double.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture), after = double.Parse(c.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(before) < 0.15 && after > before + 0.2, $"vowel cohesion {before} → {after}");
        var loss = Regex.Match(Assert.Single(lines, l => l.StartsWith("   val loss ", StringComparison.Ordinal)), @"([0-9.]+) → ([0-9.]+)");
        Assert.True(double.Parse(loss.Groups[2].Value, CultureInfo.InvariantCulture) < double.Parse(loss.Groups[1].Value, CultureInfo.InvariantCulture) - 1, loss.Value);
        AssertPng(Path.Combine(output.Path, "04-embeddings-before.png"), 900, 560);
        AssertPng(Path.Combine(output.Path, "04-embeddings-after.png"), 900, 560);
    }

    [Fact]
    public async Task Attention_from_scratch_masks_causally_matches_MultiHeadAttention_and_tabulates_the_quadratic_cost()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("05-Attention", "05-attention", output.Path);
        string[] lines = SplitLines(stdout);

        Assert.Contains("\"Your journey starts with one step\": 6 tokens", stdout);
        // One head: softmax rows sum to 1, and weights · v is the weighted sum of the values.
        Assert.True(NumberAfter(stdout, "weights row sums: max |sum − 1| = ") <= 1e-6);
        double byHand = NumberAfter(stdout, "by hand vs the matmul: max difference ");
        Assert.True(byHand <= 1e-6, $"context by hand: {byHand}");
        // Causal: nothing above the diagonal, rows still sum to 1, as the library's masked softmax.
        Assert.Equal(0, NumberAfter(stdout, "causal upper triangle max |weight| = "));
        Assert.True(NumberAfter(stdout, "rows: max |sum − 1| = ") <= 1e-6);
        double librarySoftmax = NumberAfter(stdout, "the library's causal softmax: max difference ");
        Assert.True(librarySoftmax <= 1e-6, $"causal softmax vs the library's: {librarySoftmax}");
        Assert.True(NumberAfter(stdout, "then renormalize: max difference ") <= 1e-6);
        Assert.Equal(0, NumberAfter(stdout, "eval mode: max difference from the weights "));
        double multiHead = NumberAfter(stdout, "multi-head vs the library's MultiHeadAttention: max difference = ");
        Assert.True(multiHead <= 1e-5, $"multi-head by hand vs MultiHeadAttention: {multiHead}");
        // The T × T table: one row per T, the score matrix 4 bytes × T², and positive times.
        foreach (int t in (int[])[64, 128, 256, 512, 1024])
        {
            string row = Assert.Single(lines, l => Regex.IsMatch(l, $@"^\s*{t}\s"));
            var cells = Regex.Matches(row, @"[0-9]+(\.[0-9]+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
            double megabytes = t * (double)t * 4 / (1 << 20);
            Assert.InRange(cells[1], megabytes - 6e-4, megabytes + 6e-4); // printed with 3 decimals
            Assert.True(cells[2] > 0, row);
        }
        AssertPng(Path.Combine(output.Path, "05-attention-weights.png"), 900, 560);
    }

    [Fact]
    public async Task Transformer_block_walks_its_parts_checks_LayerNorm_and_shows_shortcuts_keep_the_gradient()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("06-TransformerBlock", "06-transformer-block", output.Path);
        string[] lines = SplitLines(stdout);

        Assert.Contains("one GPT-2 small block: 7,085,568 parameters", stdout);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\s+6\s+feed-forward: Linear C → 4C \(ff\.layers\.0\)\s+\(2, 4, 3072\)\s+2,362,368$"));
        double walk = NumberAfter(stdout, "the walk above vs TransformerBlock.Forward: max difference ");
        Assert.True(walk <= 1e-5, $"the parts one by one vs the block: {walk}");
        double layerNorm = NumberAfter(stdout, "vs the library's LayerNorm on (2, 4, 768): max difference = ");
        Assert.True(layerNorm <= 1e-5, $"LayerNorm from primitives: {layerNorm}");
        // GELU lets small negatives through where ReLU gives 0 (−0.1588 at −1, the tanh form).
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^-1\.00\s+-0\.1588\s+-0\.1587\s+0\.0000$"));
        Assert.Contains("p = 0.5: train zeroes ", stdout);
        Assert.Contains("keeps the rest at 2.0000 (1/(1 − p) = 2.0000)", stdout);
        Assert.Equal(2, lines.Count(l => l.EndsWith("eval max difference 0.0E+0", StringComparison.Ordinal)));
        // Without shortcuts the gradient shrinks toward the input; with them layer 1 gets far more.
        var gradients = lines.Select(l => Regex.Match(l, @"^\s+([1-5])\s+([0-9.]+)\s+([0-9.]+)\s+[0-9]+$")).Where(m => m.Success)
            .Select(m => (Without: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), With: double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
            .ToArray();
        Assert.Equal(5, gradients.Length);
        Assert.True(gradients[0].With > 10 * gradients[0].Without, $"layer 1: with {gradients[0].With}, without {gradients[0].Without}");
        Assert.True(gradients[0].Without < gradients[4].Without / 10, $"without shortcuts: layer 1 {gradients[0].Without}, layer 5 {gradients[4].Without}");
        AssertPng(Path.Combine(output.Path, "06-shortcut-gradients.png"), 900, 560);
        AssertPng(Path.Combine(output.Path, "06-gelu-relu.png"), 900, 560);
    }

    [Fact]
    public async Task Gpt_counts_163009536_untied_without_qkv_bias_and_124439808_tied_with_it_as_the_built_models_do()
    {
        string stdout = await SampleProcess.RunToSuccess("07-Gpt", "07-gpt");
        string[] lines = SplitLines(stdout);

        Assert.Contains(lines, l => Regex.IsMatch(l, @"^total\s+163,009,536$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^  one block\s+7,085,568$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^no\s+no\s+163,009,536\s+621\.83$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^yes\s+yes\s+124,439,808\s+474\.70$"));
        Assert.Equal(2, lines.Count(l => l.EndsWith("the same as counted", StringComparison.Ordinal)));
        Assert.DoesNotContain("DIFFERENT", stdout);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^GPT-2 XL\s+48\s+25\s+1,600\s+1,024\s+1,557,611,200\s"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^GPT-3\s+96\s+96\s+12,288\s+2,048\s+174,604,259,328\s"));
    }

    [Fact]
    public async Task Training_lowers_the_validation_loss_draws_the_curves_and_greedy_decoding_repeats_itself()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("08-Training", "08-training", output.Path);
        string[] lines = SplitLines(stdout);

        double before = NumberAfter(stdout, "val loss before = "), after = NumberAfter(stdout, "val loss after = ");
        Assert.True(after < before - 1, $"validation loss {before} → {after}");
        // Five rules, five continuations; greedy gives the same text a second time.
        foreach (string rule in (string[])["greedy", "temperature 0.7", "temperature 1.5", "top-k 10", "top-p 0.9"])
            Assert.Single(lines, l => l.StartsWith(rule + "  ", StringComparison.Ordinal));
        Assert.Contains("   greedy again: the same text", lines);
        AssertPng(Path.Combine(output.Path, "08-training-loss.png"), 900, 560);
    }

    [Fact]
    public async Task Activations_match_their_finite_differences_and_the_six_feed_forwards_all_train_at_matched_sizes()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("09-Activations", "09-activations", output.Path);
        string[] lines = SplitLines(stdout);
        static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

        // Each activation's autograd derivative agrees with the central difference of its own op (last column).
        foreach (string name in (string[])["ReLU ", "GELU (erf) ", "GELU (tanh), on top of erf ", "SiLU "])
        {
            string row = Assert.Single(lines, l => l.StartsWith(name, StringComparison.Ordinal));
            double error = Number(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
            Assert.True(error <= 1e-3, $"{name}: autograd vs finite difference {error}");
        }
        // The gated unit's two partial derivatives, for SwiGLU and GeGLU.
        foreach (string unit in (string[])["SwiGLU ", "GeGLU "])
        {
            string[] cells = Assert.Single(lines, l => l.StartsWith(unit, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(Number(cells[^2]) <= 1e-3 && Number(cells[^1]) <= 1e-3, $"{unit}: {string.Join(" ", cells)}");
        }
        // Six rows: finite validation losses below a uniform guess over the characters (ln 62 ≈ 4.1 at most), the gated
        // ones 170 wide with parameters within 1% of the 4C MLP's.
        var rows = new Dictionary<string, string[]>();
        foreach (string activation in (string[])["relu", "gelu", "gelu_new", "silu", "swiglu", "geglu"])
            rows[activation] = Assert.Single(lines, l => l.StartsWith(activation + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (activation, cells) in rows)
        {
            double validation = Number(cells[^3]);
            Assert.True(double.IsFinite(validation) && validation < 3.5, $"{activation}: val loss {cells[^3]}");
            Assert.Equal(activation is "swiglu" or "geglu" ? ("gated", "170") : ("MLP", "256"), (cells[1], cells[2]));
        }
        double mlp = Number(rows["relu"][4].Replace(",", "", StringComparison.Ordinal));
        double gated = Number(rows["swiglu"][4].Replace(",", "", StringComparison.Ordinal));
        Assert.True(Math.Abs(gated - mlp) <= 0.01 * mlp, $"parameters: gated {gated}, MLP {mlp}");
        foreach (string png in (string[])["09-activations.png", "09-activation-derivatives.png", "09-activations-loss.png"])
            AssertPng(Path.Combine(output.Path, png), 900, 560);
    }

    [Fact]
    public async Task Bert_masks_15_percent_attends_both_ways_learns_below_a_uniform_guess_and_fine_tunes_a_classifier()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("10-Bert", "10-bert", output.Path);
        string[] lines = SplitLines(stdout);

        // The masking rule measured on one batch: 15 % chosen, of which 80 % [MASK], 10 % random, 10 % kept.
        var masking = Regex.Match(Assert.Single(lines, l => l.StartsWith("4. Masking", StringComparison.Ordinal)),
            @"\(([0-9.]+) %\): \[MASK\] [0-9]+ \(([0-9.]+) %\), random [0-9]+ \(([0-9.]+) %\), kept [0-9]+ \(([0-9.]+) %\)");
        Assert.True(masking.Success, "no masking counts");
        double Share(int group) => double.Parse(masking.Groups[group].Value, CultureInfo.InvariantCulture);
        Assert.InRange(Share(1), 11, 19);
        Assert.InRange(Share(2), 70, 90);
        Assert.InRange(Share(3), 4, 16);
        Assert.InRange(Share(4), 4, 16);
        // Untrained, the masked-LM guesses uniformly; trained, it is far below that.
        double uniform = NumberAfter(stdout, "(ln 1000 = ");
        double before = NumberAfter(stdout, "MLM val loss before = "), after = NumberAfter(stdout, "MLM val loss after = ");
        Assert.InRange(before, uniform - 0.2, uniform + 0.2);
        Assert.True(after < uniform - 1, $"masked-LM validation loss {before} → {after} (uniform {uniform})");
        Assert.Equal(8, lines.Count(l => l.Contains("[MASK]", StringComparison.Ordinal) && l.Contains(" → ", StringComparison.Ordinal)));
        // No causal mask: queries put weight on the tokens after them.
        double later = NumberAfter(stdout, "mean weight above the diagonal (on later tokens) = ");
        Assert.True(later > 0.05, $"attention on later tokens: {later}");
        // Fine-tuning on the pretrained encoder: well above chance on held-out sentences, and above the untrained head.
        double accuracyBefore = NumberAfter(stdout, "test accuracy before fine-tuning = "), accuracyAfter = NumberAfter(stdout, "test accuracy after fine-tuning = ");
        Assert.True(accuracyAfter > accuracyBefore && accuracyAfter >= 0.75, $"test accuracy {accuracyBefore} → {accuracyAfter}");
        AssertPng(Path.Combine(output.Path, "10-bert-training.png"), 900, 560);
        AssertPng(Path.Combine(output.Path, "10-bert-attention.png"), 900, 560);
    }

    [Fact]
    public async Task Positional_encodings_check_sinusoidal_linearity_and_rotary_shift_invariance_and_draw_two_pngs()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("12-PositionalEncodings", "12-positional-encodings", output.Path);

        double linearity = NumberAfter(stdout, "sinusoidal linearity max error = ");
        double shift = NumberAfter(stdout, "rotary shift invariance max error over 200 random (m, n, s) = ");
        Assert.True(linearity <= 1e-5, $"sinusoidal linearity error {linearity}");
        Assert.True(shift <= 1e-4, $"rotary shift error {shift}");
        Assert.Contains("learned 8,192 (128×64), sinusoidal 0, rotary 0", stdout);
        AssertPng(Path.Combine(output.Path, "12-sinusoidal-table.png"), 900, 560);
        AssertPng(Path.Combine(output.Path, "12-sinusoidal-dims.png"), 900, 560);
    }

    [Fact]
    public async Task Beyond_context_dense_climbs_past_the_context_while_sink_stays_within_10_percent_of_recompute()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("13-BeyondContext", "13-beyond-context", output.Path);

        double inContext = NumberAfter(stdout, "in-context perplexity "), dense = NumberAfter(stdout, "dense at 224–256: ");
        double sink = NumberAfter(stdout, "sink vs recompute: "), window = NumberAfter(stdout, "window vs recompute: ");
        Assert.True(dense > 1.5 * inContext, $"dense {dense} vs in-context {inContext}");
        Assert.True(Math.Abs(sink) <= 10, $"sink vs recompute {sink} %");
        Assert.True(Math.Abs(window) <= 10, $"window vs recompute {window} %");
        Assert.Contains("   cache slots per layer: window 32, sink 32, whatever the length; dense 256 at the end of a segment", SplitLines(stdout));
        AssertPng(Path.Combine(output.Path, "13-beyond-context.png"), 900, 560);
        AssertPng(Path.Combine(output.Path, "13-beyond-context-streaming.png"), 900, 560);
    }

    [Fact]
    public async Task Beyond_context_scores_a_model_directory_with_its_sink_token_as_a_fifth_policy()
    {
        using var output = new TempDirectory();
        using var model = new TempDirectory();
        File.Copy(FixturePath.Of("gpt-rope", "config.json"), model.File("config.json"));
        File.Copy(FixturePath.Of("gpt-rope", "model.safetensors"), model.File("model.safetensors"));
        const string alphabet = "abcdefghij klmnop,.";
        new LlmForge.Tokenization.CharTokenizer(alphabet).Save(model.Path);
        var sinkModel = LlmForge.Tests.Gpt.SinkTokenModels.WithSinkToken(
            LlmForge.Checkpoints.Gpt2Checkpoint.Load(model.Path, new LlmForge.Backends.Managed.ManagedBackend()));
        LlmForge.Checkpoints.Gpt2Checkpoint.Save(sinkModel, model.Path);
        var rng = new Random(13);
        File.WriteAllText(model.File("text.txt"), new string([.. Enumerable.Range(0, 600).Select(_ => alphabet[rng.Next(alphabet.Length)])]));

        string stdout = await SampleProcess.RunToSuccess("13-BeyondContext", "13-beyond-context", output.Path, model.Path, model.File("text.txt"));

        var lines = SplitLines(stdout);
        Assert.Contains(lines, l => l.StartsWith("1. ", StringComparison.Ordinal) && l.Contains("T = 16, 3 heads") && l.Contains("a learned sink token; text.txt: 600 tokens"));
        Assert.Contains("2. Perplexity of 2 validation segments of 256 tokens (16× the context) by position:", lines);
        Assert.Contains(lines, l => l.Contains("sink (S 4 + W 12)") && l.Contains("sink token (S 1 + W 15)"));
        Assert.True(double.IsFinite(NumberAfter(stdout, "sink token alone vs recompute: ")));
        Assert.Contains("   cache slots per layer: window 16, sink 16, whatever the length; dense 256 at the end of a segment", lines);
        AssertPng(Path.Combine(output.Path, "13-beyond-context.png"), 900, 560);
        AssertPng(Path.Combine(output.Path, "13-beyond-context-streaming.png"), 900, 560);
    }

    [Theory]
    [InlineData("no-model", "text", "13-beyond-context: ")]
    [InlineData("model", "no-text", "13-beyond-context: Text file '")]
    [InlineData("learned-positions", "text", "has absolute positions; the policies compared here need a rotary model")]
    public async Task Beyond_context_refuses_a_bad_directory_or_text_in_one_line(string modelCase, string textCase, string expected)
    {
        using var temp = new TempDirectory();
        string model = Directory.CreateDirectory(temp.File("model")).FullName;
        string fixture = modelCase == "learned-positions" ? "gpt2-tiny" : "gpt-rope";
        if (modelCase != "no-model")
        {
            File.Copy(FixturePath.Of(fixture, "config.json"), Path.Combine(model, "config.json"));
            File.Copy(FixturePath.Of(fixture, "model.safetensors"), Path.Combine(model, "model.safetensors"));
            new LlmForge.Tokenization.CharTokenizer("abc ").Save(model);
        }
        string text = temp.File("text.txt");
        if (textCase == "text") File.WriteAllText(text, "abc abc abc");

        using var process = SampleProcess.Start(SampleProcess.Dll("13-BeyondContext", "13-beyond-context"), temp.File("out"), model, text);
        var (code, stdout, stderr) = await SampleProcess.Finish(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());

        Assert.Equal(1, code);
        string line = Assert.Single(SplitLines(stderr.TrimEnd()));
        Assert.StartsWith("13-beyond-context: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task Lora_chat_lowers_the_response_loss_with_adapters_a_tenth_of_the_model_and_chats_through_IChatClient()
    {
        using var output = new TempDirectory();
        string stdout = await SampleProcess.RunToSuccess("14-LoraChat", "14-lora-chat", output.Path);

        var losses = SplitLines(stdout).Where(l => l.Contains("response loss, ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, losses.Count);
        foreach (string line in losses)
        {
            var m = Regex.Match(line, @"([0-9.]+) -> ([0-9.]+)");
            Assert.True(m.Success, line);
            double before = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), after = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.True(after < 0.5 * before, line);
        }
        double share = NumberAfter(stdout, "trainable parameters (");
        Assert.InRange(share, 0.1, 15);
        string directory = Path.Combine(output.Path, "14-lora-chat");
        Assert.True(File.Exists(Path.Combine(directory, "adapter", "adapter_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(directory, "adapter", "adapter_config.json")));
        Assert.True(File.Exists(Path.Combine(directory, "merged", "model.safetensors")));
        var replies = SplitLines(stdout).Where(l => l.StartsWith("   assistant: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, replies.Count);
        Assert.All(replies, r => Assert.True(r.Length > "   assistant: ".Length, r));
    }
}
