{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PublicAssets",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "${bucket_arn}/*"
    }
  ]
}
