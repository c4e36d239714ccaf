# The state bucket: versioned (every apply can be undone), encrypted, never public, TLS only.
# Locking uses S3 conditional writes (`use_lockfile = true` in each backend): no DynamoDB table.
resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_144:State is versioned and read back by Terraform in this region only; a replica would double cost without a recovery path Terraform can use.
  #checkov:skip=CKV_AWS_145:SSE-S3 lets another environment's account read its prefix cross-account; an AWS-managed KMS key cannot be shared across accounts.
  #checkov:skip=CKV_AWS_18:Server access logs would need a second bucket that fails the same check; access to state is recorded by CloudTrail.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events from the state bucket; Terraform reads it directly.
  count = var.create_state_bucket ? 1 : 0

  bucket = var.state_bucket

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_versioning" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.state[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id

  rule {
    id     = "expire-superseded-state"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_state_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "state" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      "arn:aws:s3:::${var.state_bucket}",
      "arn:aws:s3:::${var.state_bucket}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = var.state_access

    content {
      sid       = "ListOwnPrefix${statement.key}"
      actions   = ["s3:ListBucket"]
      resources = ["arn:aws:s3:::${var.state_bucket}"]

      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${statement.key}:root"]
      }

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["${statement.value}*"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.state_access

    content {
      sid       = "ReadWriteOwnPrefix${statement.key}"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = ["arn:aws:s3:::${var.state_bucket}/${statement.value}*"]

      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${statement.key}:root"]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id
  policy = data.aws_iam_policy_document.state.json

  depends_on = [aws_s3_bucket_public_access_block.state]
}
