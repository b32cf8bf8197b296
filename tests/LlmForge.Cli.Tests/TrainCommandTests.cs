using LlmForge.Cli;
using Xunit;

namespace LlmForge.Tests.Cli;

public class TrainCommandTests
{
    [Fact]
    public void Trains_saves_a_model_directory_and_ends_with_val_loss()
    {
        string dir = Path.Combine(Path.GetTempPath(), "llmforge-train-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string corpus = Path.Combine(dir, "corpus.txt");
            File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("to be or not to be, that is the question.\n", 200)));
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = CommandLine.Run(["train", "--corpus", corpus, "--out", Path.Combine(dir, "model"), "--steps", "30", "--seed", "3"], stdout, stderr);
            Assert.True(code == 0, stderr.ToString());
            string last = stdout.ToString().TrimEnd().Split('\n')[^1];
            Assert.StartsWith("val_loss=", last);
            double loss = double.Parse(last["val_loss=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(loss < Math.Log(20), $"validation loss {loss} did not fall below uniform over the vocabulary");
            Assert.True(File.Exists(Path.Combine(dir, "model", "config.json")));
            Assert.True(File.Exists(Path.Combine(dir, "model", "model.safetensors")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_missing_corpus_is_named()
    {
        var stderr = new StringWriter();
        int code = CommandLine.Run(["train", "--corpus", "/nonexistent/corpus.txt", "--steps", "1"], new StringWriter(), stderr);
        Assert.NotEqual(0, code);
        Assert.Contains("corpus.txt", stderr.ToString());
    }
}
