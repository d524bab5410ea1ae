using Microsoft.AspNetCore.Components;
using Tandem.Web.Api;

namespace Tandem.Web.Components.Shared;

/// <summary>Base of console pages for one store: loads the store and checks the user works for its merchant.</summary>
public abstract class StorePage : SignedInPage
{
    [Parameter] public Guid StoreId { get; set; }

    protected StoreResult? Store { get; private set; }

    protected MerchantResult? Merchant { get; private set; }

    protected override async Task LoadAsync()
    {
        Store = await Api.GetStoreAsync(StoreId);
        // Answers 404 unless the user is on the merchant's staff, so the page shows nothing of another merchant.
        Merchant = await Api.GetMerchantAsync(Store.MerchantId);
        await LoadStoreAsync();
    }

    protected virtual Task LoadStoreAsync() => Task.CompletedTask;
}
