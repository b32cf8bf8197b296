using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary>
/// AddLlmForge in a generic Host, as a worker or web application registers it: its options are validated when the
/// host starts (ValidateOnStart), so a bad setting stops <c>StartAsync</c> with the key named instead of failing at
/// the first model built.
/// </summary>
public sealed class GenericHostTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddManagedBackend().AddLlmForge(builder.Configuration.GetSection(LlmForgeOptions.SectionName));
        return builder.Build();
    }

    [Fact]
    public async Task A_bad_setting_fails_the_host_start_naming_its_key()
    {
        var settings = LlmForgeServices.SmallVariant();
        settings["LlmForge:Variants:v:Heads"] = "3"; // 16 dimensions do not split into 3 heads
        using var host = Build(settings);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("LlmForge:Variants:v:Heads", e.Message);
    }

    [Fact]
    public async Task An_unknown_backend_fails_the_host_start_naming_the_key()
    {
        var settings = LlmForgeServices.SmallVariant();
        settings["LlmForge:Backend"] = "Gpu";
        using var host = Build(settings);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("LlmForge:Backend: unknown backend 'Gpu'", e.Message);
    }

    [Fact]
    public async Task A_good_configuration_starts_and_resolves_the_model_factory()
    {
        using var host = Build(LlmForgeServices.SmallVariant());
        await host.StartAsync();
        try
        {
            var factory = host.Services.GetRequiredService<IModelFactory>();
            var model = factory.CreateGpt();
            Assert.Equal((37, 16), (model.Config.VocabSize, model.Config.ContextLength));
            Assert.Equal("Managed", host.Services.GetRequiredService<ITensorBackend>().Name);
        }
        finally { await host.StopAsync(); }
    }
}
