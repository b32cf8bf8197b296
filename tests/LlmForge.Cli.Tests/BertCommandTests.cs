using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Tests.Bert;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>The BERT verbs on Fixtures/bert-tiny (PyTorch reference): forward with padding and token types, fill-mask.</summary>
public class BertCommandTests
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Forward_writes_the_PyTorch_MLM_logits_with_padding_and_token_types(string backend)
    {
        var fixture = BertFixture.Tiny;
        using var temp = new TempDirectory();
        string output = temp.File("logits.npy");
        var (code, stdout, stderr) = Cli.Run("forward", "--model", fixture.Directory, "--input", fixture.File("input.json"),
            "--out", output, "--backend", Cli.BackendFlag(backend));
        Assert.True(code == 0, stderr);
        Assert.Equal($"{output}: float32 [2, 12, 50]\n", stdout);
        var logits = NpyFile.Read<float>(output);
        Assert.True(BertFixture.MaxAbsDifference(logits.Data, fixture.MlmLogits.Data) <= 1e-4);
    }

    [Fact]
    public void Forward_without_attention_mask_treats_every_token_as_real()
    {
        using var temp = new TempDirectory();
        string input = temp.File("input.json");
        File.WriteAllText(input, """{"input_ids": [[2, 7, 8, 3]]}""");
        var (code, _, stderr) = Cli.Run("forward", "--model", BertFixture.Tiny.Directory, "--input", input, "--out", temp.File("o.npy"));
        Assert.True(code == 0, stderr);
        Assert.Equal([1, 4, 50], NpyFile.Read<float>(temp.File("o.npy")).Shape);
    }

    [Theory]
    [InlineData("""{"input_ids": [[2, 7, 3], [2, 7, 3]], "attention_mask": [[1, 1, 1], [1, 1]]}""", "attention_mask[1] has 2 values but attention_mask[0] has 3")]
    [InlineData("""{"input_ids": [[2, 7, 3]], "attention_mask": [[1, 2, 1]]}""", "attention_mask[0][1] = 2 is not 0 or 1")]
    [InlineData("""{"input_ids": [[2, 7, 3]], "token_type_ids": [[0, 2, 0]]}""", "token_type_ids[0][1] = 2 is outside the model's token types [0, 2)")]
    [InlineData("""{"input_ids": [[2, 7, 3]], "token_type_ids": [[0, 0, 0], [0, 0, 0]]}""", "\"token_type_ids\" is [2, 3] but \"input_ids\" is [1, 3]")]
    [InlineData("""{"input_ids": [[2, 7, 50]]}""", "input_ids[0][2] = 50 is outside the model's vocabulary [0, 50)")]
    [InlineData("""{"input_ids": [[2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2]]}""", "rows have 17 ids but the model's max_position_embeddings is 16")]
    public void Forward_bad_BERT_input_names_the_key_and_item(string json, string expected)
    {
        using var temp = new TempDirectory();
        string input = temp.File("input.json");
        File.WriteAllText(input, json);
        var (code, _, stderr) = Cli.Run("forward", "--model", BertFixture.Tiny.Directory, "--input", input, "--out", temp.File("o.npy"));
        Assert.Equal(1, code);
        Assert.StartsWith($"llmforge forward: {input}: ", stderr);
        Assert.Contains(expected, stderr);
    }

    /// <summary>The top 5 of tools/reference/bert_reference.py's fill_mask (expected.json), probabilities to 1e-4.</summary>
    [Fact]
    public void FillMask_prints_the_PyTorch_top_candidates()
    {
        var expected = BertFixture.Tiny.Expected.GetProperty("fill_mask");
        var (code, stdout, stderr) = Cli.Run("fill-mask", "--model", BertFixture.Tiny.Directory, "--text", expected.GetProperty("text").GetString()!);
        Assert.True(code == 0, stderr);
        var lines = stdout.TrimEnd('\n').Split('\n');
        var candidates = expected.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(candidates.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            Assert.Equal(candidates[i].GetProperty("token").GetString(), parts[1]);
            Assert.Equal(candidates[i].GetProperty("probability").GetDouble(), double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), 4);
        }
    }

    [Fact]
    public void FillMask_json_lists_each_masks_candidates_with_the_filled_sequence()
    {
        var (code, stdout, stderr) = Cli.Run("fill-mask", "--model", BertFixture.Tiny.Directory, "--text", "the [MASK] sat on the [MASK] .",
            "--top-k", "3", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        var first = doc.RootElement[0][0];
        Assert.Equal(3, doc.RootElement[1].GetArrayLength());
        string token = first.GetProperty("token_str").GetString()!;
        Assert.Equal($"the {token} sat on the.", first.GetProperty("sequence").GetString());
        Assert.InRange(first.GetProperty("score").GetDouble(), 0, 1);
    }

    [Theory]
    [InlineData("the cat sat", "no [MASK] token")]
    [InlineData("the cat sat on the mat and the dog sat on the hat and [MASK]", "more than the model's 16 positions")]
    public void FillMask_bad_text_is_named(string text, string expected)
    {
        var (code, _, stderr) = Cli.Run("fill-mask", "--model", BertFixture.Tiny.Directory, "--text", text);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void FillMask_on_a_GPT_directory_says_it_needs_BERT()
    {
        var (code, _, stderr) = Cli.Run("fill-mask", "--model", FixturePath.Of("gpt2-tiny"), "--text", "[MASK]");
        Assert.Equal(2, code);
        Assert.Contains("is not a BERT directory", stderr);
    }

    [Fact]
    public void PretrainBert_trains_saves_a_BERT_directory_and_ends_with_val_loss()
    {
        using var temp = new TempDirectory();
        string corpus = temp.File("corpus.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Range(0, 300).Select(i => $"the king is good. the queen is {(i % 2 == 0 ? "kind" : "wise")}.\n")));
        string output = System.IO.Path.Combine(temp.Path, "model");
        var (code, stdout, stderr) = Cli.Run("pretrain-bert", "--corpus", corpus, "--out", output, "--vocab-size", "40",
            "--layers", "1", "--hidden", "16", "--heads", "2", "--intermediate", "32", "--seq-len", "16", "--steps", "30",
            "--batch-size", "8", "--lr", "5e-3", "--warmup", "3", "--eval-interval", "30", "--eval-batches", "2", "--threads", "1");
        Assert.True(code == 0, stderr);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.StartsWith("val_loss=", lines[^1]);
        Assert.Contains("masked-token loss:", lines[^2]);
        Assert.Equal(["config.json", "loss.png", "metrics.jsonl", "model.safetensors", "optimizer.safetensors", "tokenizer_config.json", "trainer_state.json", "vocab.txt"],
            Directory.GetFiles(output).Select(System.IO.Path.GetFileName).Order());
        var fill = Cli.Run("fill-mask", "--model", output, "--text", "the king is [MASK].");
        Assert.True(fill.Code == 0, fill.Err);
        Assert.Equal(5, fill.Out.TrimEnd('\n').Split('\n').Length);
    }
}

public class ClassifyCommandTests
{
    private static void WriteTask(string path, int count, int seed)
    {
        var rng = new Random(seed);
        string[] filler = ["the", "day", "was", "a", "night", "and", "it", "is"];
        File.WriteAllLines(path, ["text\tlabel", .. Enumerable.Range(0, count).Select(_ =>
        {
            bool good = rng.Next(2) == 0;
            var words = Enumerable.Range(0, 3 + rng.Next(3)).Select(_ => filler[rng.Next(filler.Length)]).ToList();
            words.Insert(rng.Next(words.Count + 1), good ? "good" : "bad");
            return $"{string.Join(' ', words)}\t{(good ? "positive" : "negative")}";
        })]);
    }

    [Fact]
    public void Fine_tunes_reports_accuracy_saves_and_predicts()
    {
        using var temp = new TempDirectory();
        WriteTask(temp.File("train.tsv"), 120, 1);
        WriteTask(temp.File("eval.tsv"), 40, 2);
        File.WriteAllLines(temp.File("predict.txt"), ["it was a good day", "a bad night"]);
        string output = System.IO.Path.Combine(temp.Path, "tuned");

        var (code, stdout, stderr) = Cli.Run("classify", "--model", BertFixture.Tiny.Directory, "--train", temp.File("train.tsv"),
            "--eval", temp.File("eval.tsv"), "--epochs", "6", "--batch-size", "8", "--lr", "2e-3", "--out", output, "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("classes: negative, positive (120 training examples, 40 evaluation examples)", stdout);
        Assert.Contains("initialized: classifier.weight, classifier.bias", stdout); // bert-tiny has a pooler already
        double accuracy = double.Parse(stdout.TrimEnd('\n').Split('\n')[^1]["accuracy=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.9, stdout);
        Assert.Contains("\"BertForSequenceClassification\"", File.ReadAllText(System.IO.Path.Combine(output, "config.json")));

        var predict = Cli.Run("classify", "--model", output, "--predict", temp.File("predict.txt"));
        Assert.True(predict.Code == 0, predict.Err);
        var lines = predict.Out.TrimEnd('\n').Split('\n');
        Assert.StartsWith("positive\t", lines[0]);
        Assert.EndsWith("\tit was a good day", lines[0]);
        Assert.StartsWith("negative\t", lines[1]);
    }

    [Fact]
    public void Predicting_with_a_model_without_classifier_says_to_fine_tune()
    {
        using var temp = new TempDirectory();
        File.WriteAllLines(temp.File("p.txt"), ["the day"]);
        var (code, _, stderr) = Cli.Run("classify", "--model", BertFixture.Tiny.Directory, "--predict", temp.File("p.txt"));
        Assert.Equal(2, code);
        Assert.Contains("without a classifier; fine-tune it with --train first", stderr);
    }
}

public class BertInfoAndTokenizeTests
{
    [Fact]
    public void Info_describes_a_BERT_directory_from_headers()
    {
        var (code, stdout, stderr) = Cli.Run("info", "--model", BertFixture.Tiny.Directory);
        Assert.True(code == 0, stderr);
        Assert.Contains("model_type     bert (BertForMaskedLM)", stdout);
        Assert.Contains("parameters     11,938", stdout);
        Assert.Contains("weights        model.safetensors matches config.json", stdout);
        Assert.Contains("tokenizer      wordpiece, 50 ids, uncased", stdout);

        var json = Cli.Run("info", "--model", BertFixture.Tiny.Directory, "--json");
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(11938, doc.RootElement.GetProperty("parameters").GetInt64());
        Assert.True(doc.RootElement.GetProperty("weights").GetProperty("matches").GetBoolean());
    }

    [Fact]
    public void Info_flags_weights_that_do_not_match()
    {
        using var temp = new TempDirectory();
        File.Copy(BertFixture.Tiny.File("model.safetensors"), temp.File("model.safetensors"));
        File.WriteAllText(temp.File("config.json"), File.ReadAllText(BertFixture.Tiny.File("config.json")).Replace("\"intermediate_size\": 40", "\"intermediate_size\": 41"));
        var (code, stdout, _) = Cli.Run("info", "--model", temp.Path);
        Assert.Equal(1, code);
        Assert.Contains("does NOT match config.json: tensor 'bert.encoder.layer.0.intermediate.dense.weight' has shape [40, 24] but config.json asks for [41, 24]", stdout);
    }

    [Fact]
    public void Tokenize_reads_the_vocab_txt_of_a_BERT_directory()
    {
        var (code, stdout, stderr) = Cli.Run("tokenize", "--model", BertFixture.Tiny.Directory, "--text", "The cat sat on the [MASK].");
        Assert.True(code == 0, stderr);
        Assert.Equal("[5,7,9,10,5,4,43]\n", stdout);
    }
}
