using LlmForge.Tests.Checkpoints;
using Gpt2Vocabulary = LlmForge.Tests.Tokenization.Gpt2Vocabulary;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli.Reliability;

/// <summary>
/// Hostile inputs and outputs through the command line (issue 15, items 5, 6, 8, 10, 19, 20): every failure is ONE
/// line on stderr naming the path, key or value, with exit code 1 (2 for usage errors) and no stack trace.
/// </summary>
public sealed class InputsReliabilityTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Asserts exit <paramref name="code"/>, nothing on stdout unless allowed, and stderr one line holding every part.</summary>
    private static void AssertOneLineError((int Code, string Out, string Err) result, int code, params string[] parts)
    {
        Assert.True(result.Code == code, $"exit {result.Code}, stderr: {result.Err}");
        string[] lines = result.Err.TrimEnd('\n').Split('\n');
        string last = lines[^1];
        Assert.DoesNotContain("   at ", result.Err); // no stack trace
        Assert.StartsWith("llmforge ", last);
        foreach (string part in parts) Assert.Contains(part, last);
    }

    // ---- item 8: permission errors are one line naming the path, exit 1 -----------------------------------------

    /// <summary>
    /// A path that even root cannot create: sysfs refuses new files with EACCES, which .NET raises as
    /// UnauthorizedAccessException (permission bits do not stop root, so a chmod'ed directory would not do).
    /// </summary>
    private static string Unwritable(string name) => Path.Combine("/sys", $"llmforge-{Guid.NewGuid():N}-{name}");

    /// <summary>A write-only sysfs file (mode 0200, every bus has one): opening it to read is EACCES, even for root.</summary>
    private static string Unreadable()
    {
        string path = Directory.GetDirectories("/sys/bus").Select(d => Path.Combine(d, "uevent")).First(File.Exists);
        Assert.Throws<UnauthorizedAccessException>(() => File.ReadAllBytes(path)); // the premise of the tests using it
        return path;
    }

    private string CharTokenizerDirectory()
    {
        string directory = Path.Combine(temp.Path, "char-tokenizer");
        new CharTokenizer("abcdefgh \n").Save(directory);
        return directory;
    }

    [Fact]
    public void A_library_argument_error_is_printed_without_its_parameter_name()
    {
        // CharTokenizer.Encode throws ArgumentException(…, "text"); " (Parameter 'text')" means nothing to a CLI user.
        var result = Cli.Run("tokenize", "--tokenizer-dir", CharTokenizerDirectory(), "--text", "abz");
        AssertOneLineError(result, 1, "'z'", "not in the char tokenizer");
        Assert.DoesNotContain("(Parameter", result.Err);
    }

    [Fact]
    public void Forward_out_under_an_unwritable_directory_is_one_line_naming_the_out_path()
    {
        string output = Unwritable("logits.npy");
        string model = FixturePath.Of("gpt2-tiny");
        var result = Cli.Run("forward", "--model", model, "--input", Path.Combine(model, "input.json"), "--out", output);
        AssertOneLineError(result, 1, $"'{output}'", "denied");
    }

    [Fact]
    public void Forward_out_naming_a_directory_fails_before_the_forward_pass_naming_it()
    {
        string model = FixturePath.Of("gpt2-tiny");
        var result = Cli.Run("forward", "--model", model, "--input", Path.Combine(model, "input.json"), "--out", temp.Path);
        AssertOneLineError(result, 1, $"'{temp.Path}'", "is a directory");
    }

    [Fact]
    public void Tokenize_out_unwritable_or_a_directory_is_one_line_naming_it()
    {
        string output = Unwritable("ids.json");
        AssertOneLineError(Cli.Run("tokenize", "--tokenizer-dir", CharTokenizerDirectory(), "--text", "abc", "--out", output), 1, $"'{output}'", "denied");
        AssertOneLineError(Cli.Run("tokenize", "--tokenizer-dir", CharTokenizerDirectory(), "--text", "abc", "--out", temp.Path), 1, $"'{temp.Path}'", "is a directory");
    }

    [Fact]
    public void Tokenize_file_unreadable_is_one_line_naming_it()
    {
        string file = Unreadable();
        AssertOneLineError(Cli.Run("tokenize", "--tokenizer-dir", CharTokenizerDirectory(), "--file", file), 1, $"'{file}'", "denied");
    }

    [Fact]
    public void Train_corpus_unreadable_is_one_line_naming_it()
    {
        string corpus = Unreadable();
        AssertOneLineError(Cli.Run("train", "--corpus", corpus, "--steps", "1", "--out", Path.Combine(temp.Path, "m")), 1, $"'{corpus}'", "denied");
    }

    [Fact]
    public void Train_out_unwritable_is_one_line_naming_it()
    {
        string corpus = temp.File("corpus.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("to be or not to be, that is the question.\n", 50)));
        string output = Unwritable("model");
        var result = Cli.Run("train", "--corpus", corpus, "--config", TinyGptConfig(), "--steps", "1", "--out", output);
        AssertOneLineError(result, 1, $"'{output}", "denied");
    }

    [Fact]
    public void A_model_file_that_cannot_be_read_is_one_line_naming_it()
    {
        string model = Path.Combine(temp.Path, "model");
        Directory.CreateDirectory(model);
        File.Copy(FixturePath.Of("gpt2-tiny", "config.json"), Path.Combine(model, "config.json"));
        string weights = Path.Combine(model, "model.safetensors");
        File.CreateSymbolicLink(weights, Unreadable());
        var result = Cli.Run("forward", "--model", model, "--input", FixturePath.Of("gpt2-tiny", "input.json"), "--out", temp.File("o.npy"));
        AssertOneLineError(result, 1, $"'{weights}'", "denied");
    }

    [Fact]
    public void Classify_and_pretrain_bert_out_unwritable_are_one_line_naming_it()
    {
        string train = temp.File("train.tsv");
        File.WriteAllLines(train, ["text\tlabel", "good day\tpositive", "bad night\tnegative", "a good one\tpositive", "a bad one\tnegative"]);
        string output = Unwritable("tuned");
        var result = Cli.Run("classify", "--model", FixturePath.Of("bert-tiny"), "--train", train, "--epochs", "1", "--out", output, "--threads", "1");
        AssertOneLineError(result, 1, $"'{output}", "denied");

        string corpus = temp.File("corpus.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Range(0, 100).Select(i => $"the king is good. the queen is {(i % 2 == 0 ? "kind" : "wise")}.\n")));
        output = Unwritable("bert");
        result = Cli.Run("pretrain-bert", "--corpus", corpus, "--out", output, "--vocab-size", "40", "--layers", "1", "--hidden", "16",
            "--heads", "2", "--intermediate", "32", "--seq-len", "16", "--steps", "1", "--batch-size", "4", "--eval-interval", "1",
            "--eval-batches", "1", "--threads", "1");
        AssertOneLineError(result, 1, $"'{output}", "denied");
    }

    // ---- item 5: invalid UTF-8 is never silently replaced ----------------------------------------------------------

    /// <summary>720 bytes of text with invalid UTF-8 spliced in (a stray 0xFF, a cut €, a lone surrogate's encoding).</summary>
    private static byte[] TextWithInvalidUtf8()
    {
        var bytes = new List<byte>();
        for (int i = 0; i < 30; i++)
        {
            bytes.AddRange("to be or not "u8.ToArray());
            bytes.AddRange(i % 3 == 0 ? [0xFF] : i % 3 == 1 ? [0xE2, 0x82] : [0xED, 0xA0, 0x80]);
            bytes.AddRange(" é\n"u8.ToArray());
        }
        return [.. bytes];
    }

    [Fact]
    public void Tokenize_file_with_a_byte_level_bpe_keeps_every_byte()
    {
        string file = temp.File("latin.txt");
        byte[] bytes = TextWithInvalidUtf8();
        File.WriteAllBytes(file, bytes);
        var (code, stdout, stderr) = Cli.Run("tokenize", "--tokenizer-dir", Gpt2Vocabulary.Directory(), "--file", file);
        Assert.True(code == 0, stderr);
        int[] ids = System.Text.Json.JsonSerializer.Deserialize<int[]>(stdout)!;
        Assert.Equal(bytes, Gpt2Vocabulary.Tokenizer.DecodeBytes(ids)); // not one U+FFFD (3 bytes) in place of a bad byte
    }

    [Fact]
    public void Tokenize_file_with_a_text_tokenizer_rejects_invalid_utf8_naming_the_offset()
    {
        string file = temp.File("latin.txt");
        File.WriteAllBytes(file, [.. "abc\nab"u8, 0xE9, .. "\n"u8]);
        var result = Cli.Run("tokenize", "--tokenizer-dir", CharTokenizerDirectory(), "--file", file);
        AssertOneLineError(result, 1, $"'{file}'", "not valid UTF-8", "byte offset 6 (line 2) holds 0xE9");
    }

    [Fact]
    public void Train_with_a_byte_level_bpe_reads_invalid_utf8_while_char_rejects_it_naming_the_offset()
    {
        string corpus = temp.File("corpus.bin");
        byte[] bytes = TextWithInvalidUtf8();
        File.WriteAllBytes(corpus, bytes);
        string model = Path.Combine(temp.Path, "bpe");
        var (code, _, stderr) = Cli.Run("train", "--corpus", corpus, "--config", TinyGptConfig(), "--steps", "1", "--out", model,
            "--tokenizer", "bpe", "--vocab-size", "280");
        Assert.True(code == 0, stderr);
        var bpe = (IByteLevelTokenizer)TokenizerFiles.Load(model);
        Assert.Equal(bytes, bpe.DecodeBytes(bpe.EncodeBytes(bytes)));

        var rejected = Cli.Run("train", "--corpus", corpus, "--config", TinyGptConfig(), "--steps", "1", "--out", Path.Combine(temp.Path, "char"));
        AssertOneLineError(rejected, 1, $"'{corpus}'", "not valid UTF-8", "byte offset 13 (line 1) holds 0xFF");
    }

    // ---- item 6: GPT forward honours attention_mask; a wrong one is an error naming it --------------------------------

    private (int Code, string Out, string Err) GptForward(string json, string output)
    {
        string input = temp.File("input.json");
        File.WriteAllText(input, json);
        return Cli.Run("forward", "--model", FixturePath.Of("gpt2-tiny"), "--input", input, "--out", output);
    }

    [Theory]
    [InlineData("[[1, 1, 1], [1, 1]]", "attention_mask[1] has 2 values but attention_mask[0] has 3", "[2, 3]")]
    [InlineData("[[1, 1], [1, 1]]", "\"attention_mask\" is [2, 2] but \"input_ids\" is [2, 3]", "[2, 3]")]
    [InlineData("[[1, 1, 1]]", "\"attention_mask\" is [1, 3] but \"input_ids\" is [2, 3]", "[2, 3]")]
    [InlineData("[1, 1, 1]", "\"attention_mask\" must be [2, 3]", "[2, 3]")]
    [InlineData("[[1, 2, 1], [1, 1, 1]]", "attention_mask[0][1] = 2 is not 0 or 1", "attention_mask")]
    [InlineData("[[1, 1, 1], [0, 0, 0]]", "attention_mask[1] is all 0", "attention_mask")]
    public void Gpt_forward_rejects_a_wrong_attention_mask_naming_it_and_the_shape(string mask, string expected, string shape)
    {
        string output = temp.File("o.npy");
        var result = GptForward($"{{\"input_ids\": [[1, 2, 3], [4, 5, 6]], \"attention_mask\": {mask}}}", output);
        AssertOneLineError(result, 1, expected, shape);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Gpt_forward_rejects_inputs_a_gpt_does_not_read()
    {
        var result = GptForward("{\"input_ids\": [[1, 2, 3]], \"token_type_ids\": [[0, 0, 0]]}", temp.File("o.npy"));
        AssertOneLineError(result, 1, "\"token_type_ids\" is not read for a GPT model");
    }

    [Fact]
    public void Gpt_forward_hides_the_masked_keys()
    {
        const string mask = "\"attention_mask\": [[1, 1, 0, 1, 1], [1, 1, 1, 0, 0]]";
        var a = GptForward($"{{\"input_ids\": [[5, 9, 14, 2, 30], [7, 8, 9, 10, 11]], {mask}}}", temp.File("a.npy"));
        var b = GptForward($"{{\"input_ids\": [[5, 9, 40, 2, 30], [7, 8, 9, 50, 51]], {mask}}}", temp.File("b.npy"));
        Assert.True(a.Code == 0 && b.Code == 0, a.Err + b.Err);
        float[] x = LlmForge.Checkpoints.NpyFile.Read<float>(temp.File("a.npy")).Data, y = LlmForge.Checkpoints.NpyFile.Read<float>(temp.File("b.npy")).Data;
        const int vocab = 61, seq = 5;
        foreach (var (row, position) in new[] { (0, 0), (0, 1), (0, 3), (0, 4), (1, 0), (1, 1), (1, 2) }) // every visible position
        {
            int at = (row * seq + position) * vocab;
            Assert.Equal(x.AsSpan(at, vocab).ToArray(), y.AsSpan(at, vocab).ToArray());
        }
    }

    // ---- item 19: file content in a message is escaped (no terminal escapes reach the terminal) --------------------

    /// <summary>Asserts that nothing a terminal would interpret reached stderr: no C0 (but the final newline), DEL or C1 control.</summary>
    private static void AssertPrintable(string stderr) =>
        Assert.DoesNotContain(stderr.TrimEnd('\n'), c => c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\uFFFD');

    [Fact]
    public void A_garbage_merges_line_is_quoted_escaped()
    {
        string directory = Path.Combine(temp.Path, "bpe");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "vocab.json"), "{\"a\": 0}");
        File.WriteAllBytes(Path.Combine(directory, "merges.txt"), [.. "#version: 0.2\n"u8, 0x1B, (byte)'[', (byte)'2', (byte)'J', 0xFF, 0x9B, (byte)'\n']);
        var result = Cli.Run("tokenize", "--tokenizer-dir", directory, "--text", "a");
        AssertOneLineError(result, 1, "merges.txt", "line 2", "got '\\x1B[2J\\uFFFD\\uFFFD'");
        AssertPrintable(result.Err);
    }

    [Fact]
    public void A_vocabulary_token_with_controls_is_quoted_escaped()
    {
        string directory = Path.Combine(temp.Path, "wordpiece");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "vocab.txt"), "[PAD]\n[UNK]\n\u009B31m\u202E\n\u009B31m\u202E\n");
        var result = Cli.Run("tokenize", "--tokenizer-dir", directory, "--text", "a");
        AssertOneLineError(result, 1, "vocab.txt", "line 4 repeats the token '\\x9B31m\\u202E' of line 3");
        AssertPrintable(result.Err);
    }

    [Fact]
    public void An_input_json_value_with_raw_controls_is_escaped()
    {
        string input = temp.File("input.json");
        File.WriteAllText(input, "{\"input_ids\": [[1, \"\u009B2J\u2028x\"]]}");
        var result = Cli.Run("forward", "--model", FixturePath.Of("gpt2-tiny"), "--input", input, "--out", temp.File("o.npy"));
        AssertOneLineError(result, 1, "input_ids[0][1] is \"\\x9B2J\\u2028x\", not an integer token id");
        AssertPrintable(result.Err);
    }

    [Fact]
    public void Any_message_is_printed_as_one_printable_line()
    {
        string directory = temp.File("no\u001B[31m\nsuch");
        var result = Cli.Run("tokenize", "--tokenizer-dir", directory, "--text", "a"); // a flag value echoed by a usage error
        AssertOneLineError(result, 2, "no\\x1B[31m\\x0Asuch");
        Assert.Single(result.Err.TrimEnd('\n').Split('\n'));
        AssertPrintable(result.Err);
    }

    // ---- item 20: generate checks the vocabularies both ways before the first token; flag help = flag check ------

    /// <summary>A tiny random GPT with <paramref name="modelVocab"/> ids beside a char tokenizer of <paramref name="tokenizerChars"/>.</summary>
    private string CharModel(int modelVocab, string tokenizerChars)
    {
        string directory = Path.Combine(temp.Path, $"char-model-{modelVocab}");
        var config = new LlmForge.Checkpoints.GptConfig
        {
            VocabSize = modelVocab, ContextLength = 16, EmbeddingDim = 8, Layers = 1, Heads = 2,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0, BosTokenId = 0, EosTokenId = 0,
        };
        LlmForge.Checkpoints.Gpt2Checkpoint.Save(new LlmForge.Gpt.GptModel(config, new LlmForge.Backends.Managed.ManagedBackend(), seed: 5), directory);
        new CharTokenizer(tokenizerChars).Save(directory);
        return directory;
    }

    [Fact]
    public void Generate_with_a_model_larger_than_its_tokenizer_fails_before_the_first_token_naming_both()
    {
        string model = CharModel(modelVocab: 40, tokenizerChars: "abcdefgh \n");
        var result = Cli.Run("generate", "--model", model, "--prompt", "abc", "--max-new-tokens", "30", "--seed", "2");
        AssertOneLineError(result, 2, "has 10 ids", "vocab_size 40", "tokenizer.json", Path.Combine(model, "config.json"));
        Assert.Empty(result.Out); // not even the prompt: nothing is printed before the check

        // Ids need no decoding: --output-ids still works with the larger model.
        var ids = Cli.Run("generate", "--model", model, "--prompt", "abc", "--max-new-tokens", "3", "--output-ids");
        Assert.True(ids.Code == 0, ids.Err);
    }

    [Fact]
    public void Generate_with_a_tokenizer_larger_than_its_model_fails_naming_both()
    {
        string model = CharModel(modelVocab: 6, tokenizerChars: "abcdefgh \n");
        var result = Cli.Run("generate", "--model", model, "--prompt", "abc", "--output-ids");
        AssertOneLineError(result, 2, "has 10 ids", "vocab_size 6", "tokenizer.json");
    }

    [Theory]
    [InlineData("--top-p", "0", "--top-p must be a number in (0, 1], got '0'", "--top-p P             in (0, 1]")]
    [InlineData("--top-p", "1.5", "--top-p must be a number in (0, 1], got '1.5'", "--top-p P             in (0, 1]")]
    [InlineData("--temperature", "-0.5", "--temperature must be a number ≥ 0, got '-0.5'", "--temperature T       ≥ 0")]
    [InlineData("--top-k", "-1", "--top-k must be an integer ≥ 0, got '-1'", "--top-k K             ≥ 0")]
    public void Sampling_flags_are_refused_with_the_range_their_help_states(string flag, string value, string expected, string help)
    {
        var result = Cli.Run("generate", "--model", FixturePath.Of("gpt2-tiny"), "--prompt-ids", "1", "--output-ids", flag, value);
        AssertOneLineError(result, 2, expected);
        Assert.Contains(help, Cli.Run("generate", "--help").Out);
    }

    /// <summary>A tiny gpt-char (context 16, 1 layer, 32 wide): a step costs next to nothing.</summary>
    private string TinyGptConfig()
    {
        string path = temp.File("tiny.json");
        File.WriteAllText(path, """
            {
              "LlmForge": {
                "Training": { "BatchSize": 2, "EvalBatches": 1, "EvalInterval": 1, "LogInterval": 1 },
                "Variants": { "gpt-char": { "ContextLength": 16, "EmbeddingDim": 32, "Layers": 1, "Heads": 2, "Dropout": 0 } }
              }
            }
            """);
        return path;
    }
}
