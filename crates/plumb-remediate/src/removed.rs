//! `removed` blocks (Terraform 1.7+) for resources gone live: forget them without destroying.

use plumb_model::{Address, ConfigAddress, InvalidName};

use crate::hcl::{self, Expr, Item};
use crate::revert::revert_command;

/// The `removed` block for missing instances of one configuration block, with comments on what
/// it does and the alternative (recreate with `-target`). `instances` are the missing instance
/// addresses of `from` (at least one).
pub(crate) fn removed_items(
    from: &ConfigAddress,
    instances: &[&Address],
) -> Result<Vec<Item>, InvalidName> {
    let from_text = hcl::config_address(from)?;
    let mut items = Vec::new();
    for instance in instances {
        items.push(Item::Comment(format!("{instance} is missing live.")));
    }
    let keyed = instances
        .iter()
        .any(|a| a.key.is_some() || a.module.iter().any(|m| m.key.is_some()));
    if keyed {
        items.push(Item::Comment(format!(
            "removed.from takes no instance keys: this removes every instance of {from} from \
             the state."
        )));
    }
    items.push(Item::Comment(format!(
        "Delete the {from} block from the configuration too. Or recreate instead:"
    )));
    for instance in instances {
        items.push(Item::Comment(format!("  {}", revert_command(instance)?)));
    }
    items.push(Item::Block(hcl::Block::new(
        "removed",
        &[],
        vec![
            Item::Attr("from".into(), Expr::Raw(from_text)),
            Item::Blank,
            Item::Block(hcl::Block::new(
                "lifecycle",
                &[],
                vec![Item::Attr("destroy".into(), Expr::Raw("false".into()))],
            )),
        ],
    )));
    Ok(items)
}

/// The `removed` block for one missing instance, as `terraform fmt` writes it.
pub fn removed_block(address: &Address) -> Result<String, InvalidName> {
    Ok(hcl::write_file(&removed_items(
        &address.config_address(),
        &[address],
    )?))
}
